package io.nohop.core.internal.refresh;

import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The last-known-good file: one small JSON envelope holding the raw JWKS document (base64) and its
 * metadata. Written atomically — a temp file in the same directory, fsync, atomic rename — so that a
 * crash mid-write leaves either the old file or the new one, never half of one.
 *
 * <pre>{"format":"nohop-keyset-cache/1","source":"…","jwksUri":"…","confirmedAt":"2025-…Z",
 *  "lifetime":"PT5M","etag":"…","lastModified":"…","document":"base64…"}</pre>
 */
final class KeySetFile {
    static final String FORMAT = "nohop-keyset-cache/1";
    private static final int MAX_DEPTH = 4;
    // base64 grows the document by 4/3; the rest of the envelope is small.
    private static final int ENVELOPE_OVERHEAD = 16 * 1024;

    private final Path path;
    private final long maxFileBytes;

    /**
     * @param path where the file lives
     * @param maxDocumentBytes the body cap; a larger file is refused without being read
     */
    KeySetFile(Path path, int maxDocumentBytes) {
        this.path = Objects.requireNonNull(path, "path");
        this.maxFileBytes = (long) maxDocumentBytes * 4 / 3 + 4 + ENVELOPE_OVERHEAD;
    }

    Path path() {
        return path;
    }

    /**
     * Reads and checks the envelope (not the document inside, which the key loader judges).
     *
     * @return the cached key set, or empty when there is no file
     * @throws Unreadable when the file exists but is not a valid envelope
     */
    Optional<CachedKeySet> read() throws Unreadable {
        byte[] bytes;
        try {
            if (Files.size(path) > maxFileBytes) {
                throw new Unreadable("file larger than " + maxFileBytes + " bytes");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new Unreadable("cannot read (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, Object> envelope;
        try {
            envelope = StrictJson.parseObject(bytes, MAX_DEPTH);
        } catch (JsonParseException e) {
            throw new Unreadable("not JSON");
        }
        if (!FORMAT.equals(envelope.get("format"))) {
            throw new Unreadable("not a " + FORMAT + " file");
        }
        try {
            return Optional.of(new CachedKeySet(
                    URI.create(text(envelope, "source")),
                    URI.create(text(envelope, "jwksUri")),
                    Instant.parse(text(envelope, "confirmedAt")),
                    Duration.parse(text(envelope, "lifetime")),
                    new Validators(optionalText(envelope, "etag"), optionalText(envelope, "lastModified")),
                    Base64.getDecoder().decode(text(envelope, "document"))));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new Unreadable("malformed member");
        }
    }

    /**
     * Replaces the file atomically.
     *
     * @param keys what to persist
     * @throws IOException when the file cannot be written (the previous file, if any, is intact)
     */
    void write(CachedKeySet keys) throws IOException {
        byte[] bytes = envelope(keys).getBytes(StandardCharsets.UTF_8);
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    // Makes the rename itself durable; not every platform can open a directory, so failure is ignored.
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // The data is written; only the rename's durability across a power cut is not guaranteed.
        }
    }

    private static String envelope(CachedKeySet keys) {
        StringBuilder json = new StringBuilder(keys.document().length * 4 / 3 + 512);
        json.append('{');
        member(json, "format", FORMAT).append(',');
        member(json, "source", keys.source().toString()).append(',');
        member(json, "jwksUri", keys.jwksUri().toString()).append(',');
        member(json, "confirmedAt", keys.confirmedAt().toString()).append(',');
        member(json, "lifetime", keys.lifetime().toString()).append(',');
        keys.validators().etag().ifPresent(etag -> member(json, "etag", etag).append(','));
        keys.validators().lastModified().ifPresent(date -> member(json, "lastModified", date).append(','));
        member(json, "document", Base64.getEncoder().encodeToString(keys.document()));
        return json.append("}\n").toString();
    }

    private static StringBuilder member(StringBuilder json, String name, String value) {
        return quote(quote(json, name).append(':'), value);
    }

    private static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }

    private static String text(Map<String, Object> envelope, String name) throws Unreadable {
        Object value = envelope.get(name);
        if (!(value instanceof String)) {
            throw new Unreadable("member " + name + " missing or not a string");
        }
        return (String) value;
    }

    private static Optional<String> optionalText(Map<String, Object> envelope, String name) throws Unreadable {
        return envelope.containsKey(name) ? Optional.of(text(envelope, name)) : Optional.empty();
    }

    /** The file exists but cannot be used; the message is fixed text, safe to log. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String why) {
            super(why, null, false, false);
        }
    }
}
