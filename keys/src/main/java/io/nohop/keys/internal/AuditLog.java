package io.nohop.keys.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

/**
 * The store's append-only audit log ({@code audit.log}, one JSON object per line), hash-chained and
 * authenticated with a key derived from the passphrase.
 *
 * <p>Each entry holds its sequence number, time, operator ({@code user.name}), command, the event it
 * records, kid, reason, a detail, optional structured {@code data}, {@code prev} (the hex SHA-256 of
 * the previous line's bytes; 64 zeros for the first) and last {@code mac}: HMAC-SHA256 over the line
 * without its {@code mac} member, under a key derived from the passphrase (see {@link KeyDerivation}).
 * {@code audit.head} holds the entry count, the hash of the last line and a MAC over both. So:
 * <ul>
 *   <li>editing or inserting an entry breaks its MAC (and the next entry's {@code prev});</li>
 *   <li>removing entries from the middle breaks the chain and the sequence numbers;</li>
 *   <li>removing entries from the end no longer matches the head, and a rewritten head fails its MAC;</li>
 *   <li>none of that can be recomputed without the passphrase.</li>
 * </ul>
 * A writing command that finds the tail cut off (or the head not authentic) does not re-synchronise
 * silently: it appends an {@code entries-lost} entry naming the last entry it could vouch for, which
 * {@code audit verify} reports on every run (as a failure until a passphrase holder appends an
 * {@code acknowledged} entry for it).
 *
 * <p>The head may lag one entry behind the log after a crash between the two writes; the entry it
 * lags by still carries its own MAC. An append is one {@code write} call followed by {@code fsync}; a
 * power loss can still leave a torn last line without its newline, which is ignored by readers and cut
 * off by the next writer (that command had not completed). Writers hold the store lock.
 */
public final class AuditLog {
    /**
     * The largest audit log read, 64 MiB: a few hundred bytes per entry, so over a hundred thousand
     * entries (decades of rotations); a larger file is refused rather than read into memory.
     */
    static final int MAX_LOG_BYTES = 64 << 20;


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

    /** Event recorded when a new signed key set is written ({@code data}: iat, exp, sha256). */
    public static final String EVENT_KEY_SET_SIGNED = "key-set-signed";

    /** Event recorded when the signed key set had to be signed again from the records (it was missing or bad). */
    public static final String EVENT_KEY_SET_REBUILT = "key-set-rebuilt";

    /** Event recorded when a root key is created ({@code init}, or added to an older store). */
    public static final String EVENT_ROOT_CREATED = "root-created";

    /** Event recorded when a successor root is created (not yet signing). */
    public static final String EVENT_ROOT_STAGED = "root-staged";

    /** Event recorded when the successor root starts signing the key set. */
    public static final String EVENT_ROOT_SWITCHED = "root-switched";

    /** Event recorded when entries were found missing from the end ({@code data.lostAfter}: the last intact entry). */
    public static final String EVENT_ENTRIES_LOST = "entries-lost";

    /** Event recorded when a passphrase holder acknowledges a loss ({@code data.acknowledges}: its entry). */
    public static final String EVENT_ACKNOWLEDGED = "acknowledged";

    /** Event recorded when a log written before authentication existed starts being authenticated. */
    public static final String EVENT_AUTHENTICATED = "audit-authenticated";

    private static final String GENESIS = "0".repeat(64);
    private static final Pattern MAC_SUFFIX = Pattern.compile(",\"mac\":\"([A-Za-z0-9_-]{43})\"}$");
    private static final String ENTRY_MAC_LABEL = "nohop audit entry v1\n";

    private AuditLog() {
    }

    /**
     * One parsed entry.
     *
     * @param seq 1-based position
     * @param time when it was written
     * @param operator the OS user that ran the command
     * @param command the command
     * @param event the event, if any
     * @param kid the key concerned, if any
     * @param reason the operator's reason, if any
     * @param detail further detail, if any
     * @param data structured detail (numbers and strings), empty when none
     */
    public record Entry(long seq, Instant time, String operator, String command, Optional<String> event,
                        Optional<String> kid, Optional<String> reason, Optional<String> detail, Map<String, Object> data) {
        /**
         * Copies the map.
         *
         * @param seq position
         * @param time time
         * @param operator operator
         * @param command command
         * @param event event
         * @param kid kid
         * @param reason reason
         * @param detail detail
         * @param data structured detail
         */
        public Entry {
            data = Map.copyOf(data);
        }

        /**
         * A whole number from {@code data}.
         *
         * @param name the member
         * @return its value, if it is a number
         */
        public Optional<Long> number(String name) {
            return data.get(name) instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
        }

        /**
         * A string from {@code data}.
         *
         * @param name the member
         * @return its value, if it is a string
         */
        public Optional<String> text(String name) {
            return data.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
        }
    }

    /**
     * An entry to append.
     *
     * @param command the command that made the change
     * @param event the event
     * @param kid the key concerned or null
     * @param reason the operator's reason or null
     * @param detail further detail or null
     * @param data structured detail (may be empty)
     */
    public record NewEntry(String command, String event, String kid, String reason, String detail, Map<String, Object> data) {
        /**
         * Checks and copies.
         *
         * @param command command
         * @param event event
         * @param kid kid or null
         * @param reason reason or null
         * @param detail detail or null
         * @param data structured detail
         */
        public NewEntry {
            Objects.requireNonNull(command, "command");
            data = new LinkedHashMap<>(data);
        }

        /**
         * An entry without structured detail.
         *
         * @param command the command
         * @param event the event
         * @param kid the key or null
         * @param reason the reason or null
         * @param detail the detail or null
         * @return the entry
         */
        public static NewEntry of(String command, String event, String kid, String reason, String detail) {
            return new NewEntry(command, event, kid, reason, detail, Map.of());
        }
    }

    /**
     * Result of checking the log.
     *
     * @param entries number of complete lines read
     * @param problems what is wrong, first found first (empty when intact)
     * @param notes what is worth knowing but not wrong (acknowledged losses, an interrupted command)
     * @param tornTail whether an incomplete last line (interrupted write) was ignored
     * @param parsed the entries that parsed, in order
     */
    public record Verification(int entries, List<String> problems, List<String> notes, boolean tornTail,
                               List<Entry> parsed) {
        /**
         * Copies the lists.
         *
         * @param entries lines
         * @param problems problems
         * @param notes notes
         * @param tornTail torn tail
         * @param parsed entries
         */
        public Verification {
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
            parsed = List.copyOf(parsed);
        }
    }

    /**
     * Appends one entry with its MAC and updates the head (caller holds the store lock and has called
     * {@link #prepare}).
     *
     * @param folder the store folder
     * @param macKey the audit key ({@link KeyDerivation#AUDIT_LOG_MAC})
     * @param time the entry time
     * @param entry what to record
     * @throws IOException if the log cannot be written
     */
    public static void append(Path folder, SecretKey macKey, Instant time, NewEntry entry) throws IOException {
        Path log = folder.resolve(FILE_NAME);
        List<byte[]> lines = completeLines(readBytes(log));
        String prev = lines.isEmpty() ? GENESIS : sha256Hex(lines.get(lines.size() - 1));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seq", (long) lines.size() + 1);
        json.put("time", time.toString());
        json.put("operator", System.getProperty("user.name", "unknown"));
        json.put("command", entry.command());
        json.put("event", entry.event());
        json.put("kid", entry.kid());
        json.put("reason", entry.reason());
        json.put("detail", entry.detail());
        if (!entry.data().isEmpty()) {
            json.put("data", entry.data());
        }
        json.put("prev", prev);
        String unsigned = JsonText.write(json);
        String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(
                KeyDerivation.hmac(macKey, (ENTRY_MAC_LABEL + unsigned).getBytes(StandardCharsets.UTF_8)));
        byte[] line = (unsigned.substring(0, unsigned.length() - 1) + ",\"mac\":\"" + mac + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] withNewline = Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        // Never through a link planted in the store (it would append to another file), never into a FIFO.
        BoundedRead.requireRegularOrAbsent(log);
        try (FileChannel channel = FileChannel.open(log,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                        LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(AtomicFileWriter.OWNER_ONLY))) {
            ByteBuffer buffer = ByteBuffer.wrap(withNewline);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        AuditHead.write(folder, macKey, lines.size() + 1, sha256Hex(line));
    }

    /**
     * Before a writing command appends: cuts off a torn last line, and checks the log's end against the
     * authenticated head. A log that ends before the head says, or a head that is missing or not
     * authentic, is recorded as an {@link #EVENT_ENTRIES_LOST} entry — never re-synchronised silently.
     * A head that lags one entry (a crash between the two writes) is brought up to date.
     *
     * @param folder the store folder
     * @param macKey the audit key
     * @param time the time of the command
     * @param command the command, for the loss entry
     * @param acceptUnauthenticatedHead whether a head without a MAC is accepted when it matches (only when
     *     a log written before authentication existed is being taken over)
     * @return a description of the loss, if one was recorded
     * @throws IOException if the files cannot be read or written
     */
    public static Optional<String> prepare(Path folder, SecretKey macKey, Instant time, String command,
                                           boolean acceptUnauthenticatedHead) throws IOException {
        Path log = folder.resolve(FILE_NAME);
        byte[] bytes = readBytes(log);
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            int lastNewline = bytes.length - 1;
            while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
                lastNewline--;
            }
            BoundedRead.requireRegularOrAbsent(log);
            try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                channel.truncate(lastNewline + 1L);
                channel.force(true);
            }
            bytes = Arrays.copyOf(bytes, lastNewline + 1);
        }
        List<byte[]> lines = completeLines(bytes);
        int n = lines.size();
        Optional<String> loss = AuditHead.problem(folder, macKey, lines, acceptUnauthenticatedHead);
        if (loss.isPresent()) {
            long lostAfter = lostAfter(folder, macKey, lines);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("lostAfter", lostAfter);
            append(folder, macKey, time, new NewEntry(command, EVENT_ENTRIES_LOST, null, null,
                    "entries after #" + lostAfter + " were lost: " + loss.get(), data));
            return Optional.of("entries after #" + lostAfter + " were lost: " + loss.get());
        }
        if (n > 0) {
            AuditHead head = AuditHead.read(folder).orElse(null);
            String last = sha256Hex(lines.get(n - 1));
            if (head == null || head.entries() != n || !last.equals(head.sha256()) || head.mac().isEmpty()) {
                AuditHead.write(folder, macKey, n, last);
            }
        }
        return Optional.empty();
    }

    /** The last entry that still chains from the start and carries a valid MAC (0 when none). */
    private static long lostAfter(Path folder, SecretKey macKey, List<byte[]> lines) {
        String expectedPrev = GENESIS;
        boolean legacyPrefix = true;
        long intact = 0;
        for (byte[] line : lines) {
            Map<String, Object> json;
            try {
                json = JSONObjectUtils.parse(new String(line, StandardCharsets.UTF_8));
            } catch (ParseException e) {
                break;
            }
            if (!expectedPrev.equals(json.get("prev"))) {
                break;
            }
            Optional<Boolean> mac = macValid(line, macKey);
            if (mac.isPresent()) {
                legacyPrefix = false;
                if (!mac.get()) {
                    break;
                }
            } else if (!legacyPrefix) {
                break;
            }
            intact++;
            expectedPrev = sha256Hex(line);
        }
        return intact;
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
     * Checks everything: the hash chain, the sequence numbers, every entry's MAC, the head's MAC and
     * that the log still ends where the head says, and the losses recorded in the log.
     *
     * @param folder the store folder
     * @param macKey the audit key
     * @return the result
     * @throws IOException if the log cannot be read
     */
    public static Verification verify(Path folder, SecretKey macKey) throws IOException {
        Path log = folder.resolve(FILE_NAME);
        if (!Files.exists(log)) {
            return new Verification(0, List.of("audit log " + log + " is missing"), List.of(), false, List.of());
        }
        byte[] bytes = readBytes(log);
        boolean torn = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        List<byte[]> lines = completeLines(bytes);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Entry> parsed = new ArrayList<>();
        int authenticatedFrom = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (macValid(lines.get(i), macKey).isPresent()) {
                authenticatedFrom = i;
                break;
            }
        }
        boolean chainReported = false;
        String expectedPrev = GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String where = "audit entry " + number + " (line " + number + ")";
            Entry entry;
            Map<String, Object> json;
            try {
                json = JSONObjectUtils.parse(new String(lines.get(i), StandardCharsets.UTF_8));
                entry = parse(lines.get(i));
            } catch (ParseException | RuntimeException e) {
                problems.add(where + " is not a valid entry: " + LogSafe.text(String.valueOf(e.getMessage())));
                chainReported = true;
                expectedPrev = sha256Hex(lines.get(i));
                continue;
            }
            Optional<Boolean> mac = macValid(lines.get(i), macKey);
            if (mac.isPresent() && !mac.get()) {
                problems.add(where + " was altered or written without the passphrase: its MAC does not match");
            } else if (mac.isEmpty() && (authenticatedFrom < 0 || i > authenticatedFrom)) {
                problems.add(where + " has no MAC: it was written without the passphrase");
            }
            if (!chainReported && entry.seq() != number) {
                problems.add(where + " has sequence number " + entry.seq() + ": an entry was removed or inserted");
                chainReported = true;
            } else if (!chainReported && !expectedPrev.equals(json.get("prev"))) {
                problems.add(where + " is broken: " + (number == 1 ? "it does not start the chain"
                        : "its link does not match entry " + (number - 1) + " (entry " + (number - 1)
                                + " or this one was changed, or an entry was removed)"));
                chainReported = true;
            }
            expectedPrev = sha256Hex(lines.get(i));
            if (mac.orElse(false)) {
                parsed.add(entry);
            } else if (mac.isEmpty() && i < authenticatedFrom) {
                parsed.add(entry);
            }
        }
        if (authenticatedFrom > 0 && parsed.stream().noneMatch(e -> e.event().equals(Optional.of(EVENT_AUTHENTICATED)))) {
            problems.add("audit entries 1 to " + authenticatedFrom + " have no MAC, and no entry says the log was"
                    + " taken over from an older store");
        }
        AuditHead.problem(folder, macKey, lines, false).ifPresent(p -> problems.add(
                "the end of the log does not match " + HEAD_FILE_NAME + ": " + p));
        Map<Long, Entry> acknowledgements = new HashMap<>();
        for (Entry e : parsed) {
            if (e.event().equals(Optional.of(EVENT_ACKNOWLEDGED))) {
                e.number("acknowledges").ifPresent(seq -> acknowledgements.put(seq, e));
            }
        }
        for (Entry e : parsed) {
            if (e.event().equals(Optional.of(EVENT_ENTRIES_LOST))) {
                String loss = "entries lost after #" + e.number("lostAfter").map(String::valueOf).orElse("?")
                        + " (recorded in entry #" + e.seq() + " at " + e.time() + " by " + e.command() + ": "
                        + e.detail().orElse("") + ")";
                Entry ack = acknowledgements.get(e.seq());
                if (ack == null) {
                    problems.add(loss + "; acknowledge it with nohop audit acknowledge --entry " + e.seq());
                } else {
                    notes.add(loss + "; acknowledged in entry #" + ack.seq() + " by " + ack.operator()
                            + ack.reason().map(r -> ": " + r).orElse(""));
                }
            }
        }
        return new Verification(lines.size(), problems, notes, torn, parsed);
    }

    /** Whether a line's MAC is valid; empty when the line has no MAC member at its end. */
    private static Optional<Boolean> macValid(byte[] line, SecretKey macKey) {
        String text = new String(line, StandardCharsets.UTF_8);
        Matcher m = MAC_SUFFIX.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        String unsigned = text.substring(0, m.start()) + "}";
        byte[] expected = KeyDerivation.hmac(macKey, (ENTRY_MAC_LABEL + unsigned).getBytes(StandardCharsets.UTF_8));
        byte[] actual = Base64.getUrlDecoder().decode(m.group(1));
        return Optional.of(KeyDerivation.tagsEqual(expected, actual));
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
        Map<String, Object> data = new LinkedHashMap<>();
        if (json.get("data") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k instanceof String key && (v instanceof String || v instanceof Number)) {
                    data.put(key, v);
                }
            });
        }
        try {
            return new Entry(number.longValue(), Instant.parse(time),
                    String.valueOf(json.getOrDefault("operator", "")), command,
                    Optional.ofNullable(JSONObjectUtils.getString(json, "event")),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "kid")),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "reason")),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "detail")), data);
        } catch (DateTimeParseException e) {
            throw new ParseException("bad time: " + time, 0);
        }
    }

    private static byte[] readBytes(Path log) throws IOException {
        try {
            return BoundedRead.read(log, MAX_LOG_BYTES);
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

    /**
     * Hex SHA-256.
     *
     * @param bytes the input
     * @return 64 hex digits
     */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
