package io.nohop.keys.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store's append-only, hash-chained audit log ({@code audit.log}, one JSON object per line).
 *
 * <p>Each entry holds its sequence number, time, operator ({@code user.name}), command, the event it
 * records ({@code created}, {@code revoked}, {@code retired} or none), kid, reason, a detail and
 * {@code prev}: the hex SHA-256 of the previous line's bytes (64 zeros for the first). Editing or
 * removing an entry breaks the next entry's {@code prev}. Truncating the tail is caught by
 * {@code audit.head}, which records the entry count and the hash of the last line after each append;
 * it may lag one entry behind the log after a crash between the two writes, so a verifier accepts
 * that one step of lag.
 *
 * <p>Writers hold the store lock. An append is one {@code write} call followed by {@code fsync}; a
 * power loss can still leave a torn last line without its newline, which is ignored by readers and
 * cut off by the next writer (that command had not completed).
 */
public final class AuditLog {

    /** File name of the log inside the store folder. */
    public static final String FILE_NAME = "audit.log";

    /** File name of the head record inside the store folder. */
    public static final String HEAD_FILE_NAME = "audit.head";

    /** Event recorded when a key record is created. */
    public static final String EVENT_CREATED = "created";

    /** Event recorded when a key is revoked. */
    public static final String EVENT_REVOKED = "revoked";

    /** Event recorded when a retired key's private part is destroyed. */
    public static final String EVENT_RETIRED = "retired";

    private static final String GENESIS = "0".repeat(64);

    private AuditLog() {
    }

    /**
     * One parsed entry.
     *
     * @param seq 1-based position
     * @param time when it was written
     * @param operator the OS user that ran the command
     * @param command the command
     * @param event the lifecycle event, if any
     * @param kid the key concerned, if any
     * @param reason the operator's reason, if any
     * @param detail further detail, if any
     */
    public record Entry(long seq, Instant time, String operator, String command, Optional<String> event,
                        Optional<String> kid, Optional<String> reason, Optional<String> detail) {
    }

    /**
     * Result of checking the chain.
     *
     * @param entries number of intact entries read
     * @param problem the first problem found, if any
     * @param tornTail whether an incomplete last line (interrupted write) was ignored
     */
    public record Verification(int entries, Optional<String> problem, boolean tornTail) {
        /**
         * Tells whether the log is intact.
         *
         * @return true when no problem was found
         */
        public boolean intact() {
            return problem.isEmpty();
        }
    }

    /**
     * Appends one entry (caller holds the store lock).
     *
     * @param folder the store folder
     * @param time the entry time
     * @param command the command that made the change
     * @param event a lifecycle event constant or null
     * @param kid the key concerned or null
     * @param reason the operator's reason or null
     * @param detail further detail or null
     * @throws IOException if the log cannot be written
     */
    public static void append(Path folder, Instant time, String command, String event, String kid, String reason,
                              String detail) throws IOException {
        Path log = folder.resolve(FILE_NAME);
        List<byte[]> lines = completeLines(readBytes(log));
        String prev = lines.isEmpty() ? GENESIS : sha256Hex(lines.get(lines.size() - 1));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("seq", (long) lines.size() + 1);
        entry.put("time", time.toString());
        entry.put("operator", System.getProperty("user.name", "unknown"));
        entry.put("command", command);
        entry.put("event", event);
        entry.put("kid", kid);
        entry.put("reason", reason);
        entry.put("detail", detail);
        entry.put("prev", prev);
        byte[] line = JsonText.write(entry).getBytes(StandardCharsets.UTF_8);
        byte[] withNewline = Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        try (FileChannel channel = FileChannel.open(log,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PosixFilePermissions.asFileAttribute(AtomicFileWriter.OWNER_ONLY))) {
            ByteBuffer buffer = ByteBuffer.wrap(withNewline);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        writeHead(folder, lines.size() + 1, sha256Hex(line));
    }

    /**
     * Cuts off a torn last line and brings {@code audit.head} up to date (caller holds the lock).
     *
     * @param folder the store folder
     * @throws IOException if the files cannot be read or written
     */
    public static void repair(Path folder) throws IOException {
        Path log = folder.resolve(FILE_NAME);
        byte[] bytes = readBytes(log);
        if (bytes.length == 0) {
            return;
        }
        int end = bytes.length;
        if (bytes[end - 1] != '\n') {
            int lastNewline = end - 1;
            while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
                lastNewline--;
            }
            try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
                channel.truncate(lastNewline + 1L);
                channel.force(true);
            }
            bytes = Arrays.copyOf(bytes, lastNewline + 1);
        }
        List<byte[]> lines = completeLines(bytes);
        if (!lines.isEmpty()) {
            String last = sha256Hex(lines.get(lines.size() - 1));
            Optional<Map<String, Object>> head = readHead(folder);
            if (head.isEmpty() || !last.equals(head.get().get("sha256"))) {
                writeHead(folder, lines.size(), last);
            }
        }
    }

    /**
     * Reads the complete entries; entries that do not parse are skipped (use {@link #verify} to find them).
     *
     * @param folder the store folder
     * @return the entries in order
     * @throws IOException if the log cannot be read
     */
    public static List<Entry> read(Path folder) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (byte[] line : completeLines(readBytes(folder.resolve(FILE_NAME)))) {
            try {
                entries.add(parse(line));
            } catch (ParseException | RuntimeException e) {
                // Skipped here: verify() reports it. Reconciliation then treats the entry as missing.
            }
        }
        return entries;
    }

    /**
     * Checks the hash chain, the sequence numbers and the head.
     *
     * @param folder the store folder
     * @return the result, naming the first broken entry
     * @throws IOException if the log cannot be read
     */
    public static Verification verify(Path folder) throws IOException {
        Path log = folder.resolve(FILE_NAME);
        if (!Files.exists(log)) {
            return new Verification(0, Optional.of("audit log " + log + " is missing"), false);
        }
        byte[] bytes = readBytes(log);
        boolean torn = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        List<byte[]> lines = completeLines(bytes);
        String expectedPrev = GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            Entry entry;
            Map<String, Object> json;
            try {
                json = JSONObjectUtils.parse(new String(lines.get(i), StandardCharsets.UTF_8));
                entry = parse(lines.get(i));
            } catch (ParseException | RuntimeException e) {
                return new Verification(i, Optional.of("audit entry " + number + " (line " + number
                        + ") is not a valid entry: " + oneLine(e.getMessage())), torn);
            }
            if (entry.seq() != number) {
                return new Verification(i, Optional.of("audit entry " + number + " (line " + number
                        + ") has sequence number " + entry.seq() + ": an entry was removed or inserted"), torn);
            }
            if (!expectedPrev.equals(json.get("prev"))) {
                String what = number == 1 ? "it does not start the chain" : "its link does not match entry " + (number - 1)
                        + " (entry " + (number - 1) + " or this one was changed, or an entry was removed)";
                return new Verification(i, Optional.of("audit entry " + number + " (line " + number + ") is broken: "
                        + what), torn);
            }
            expectedPrev = sha256Hex(lines.get(i));
        }
        Optional<String> headProblem = checkHead(folder, lines);
        return new Verification(lines.size(), headProblem, torn);
    }

    private static Optional<String> checkHead(Path folder, List<byte[]> lines) throws IOException {
        Optional<Map<String, Object>> head;
        try {
            head = readHead(folder);
        } catch (IOException e) {
            return Optional.of(HEAD_FILE_NAME + " is unreadable: " + oneLine(e.getMessage()));
        }
        int n = lines.size();
        if (head.isEmpty()) {
            // A crash between the first append and the first head write leaves no head yet.
            return n <= 1 ? Optional.empty()
                    : Optional.of(HEAD_FILE_NAME + " is missing although the log has " + n + " entries");
        }
        Object count = head.get().get("entries");
        Object hash = head.get().get("sha256");
        boolean matchesLast = n >= 1 && Long.valueOf(n).equals(count) && sha256Hex(lines.get(n - 1)).equals(hash);
        boolean lagsByOne = n >= 2 && Long.valueOf(n - 1).equals(count) && sha256Hex(lines.get(n - 2)).equals(hash);
        if (matchesLast || lagsByOne) {
            return Optional.empty();
        }
        return Optional.of("audit entry " + (n == 0 ? 1 : n) + " (last line) does not match " + HEAD_FILE_NAME
                + " (which records " + count + " entries): entries were removed from the end or the last one was changed");
    }

    private static Optional<Map<String, Object>> readHead(Path folder) throws IOException {
        Path head = folder.resolve(HEAD_FILE_NAME);
        if (!Files.exists(head)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSONObjectUtils.parse(Files.readString(head, StandardCharsets.UTF_8)));
        } catch (ParseException e) {
            throw new IOException(HEAD_FILE_NAME + " is not valid JSON", e);
        }
    }

    private static void writeHead(Path folder, long entries, String sha256) throws IOException {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("entries", entries);
        head.put("sha256", sha256);
        AtomicFileWriter.write(folder.resolve(HEAD_FILE_NAME), (JsonText.write(head) + "\n").getBytes(StandardCharsets.UTF_8),
                AtomicFileWriter.OWNER_ONLY);
    }

    private static Entry parse(byte[] line) throws ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(new String(line, StandardCharsets.UTF_8));
        Object seq = json.get("seq");
        if (!(seq instanceof Number number)) {
            throw new ParseException("seq missing", 0);
        }
        String time = JSONObjectUtils.getString(json, "time");
        String command = JSONObjectUtils.getString(json, "command");
        if (time == null || command == null || !(json.get("prev") instanceof String)) {
            throw new ParseException("time, command or prev missing", 0);
        }
        try {
            return new Entry(number.longValue(), Instant.parse(time),
                    String.valueOf(json.getOrDefault("operator", "")), command,
                    Optional.ofNullable(JSONObjectUtils.getString(json, "event")),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "kid")),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "reason")),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "detail")));
        } catch (DateTimeParseException e) {
            throw new ParseException("bad time: " + time, 0);
        }
    }

    private static byte[] readBytes(Path log) throws IOException {
        try {
            return Files.readAllBytes(log);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    private static List<byte[]> completeLines(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
            }
        }
        return lines;
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s+", " ");
    }
}
