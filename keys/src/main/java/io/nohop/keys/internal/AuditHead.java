package io.nohop.keys.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The audit log's head ({@code audit.head}): how many entries the log holds, the SHA-256 of its last
 * line, and an HMAC over both under the audit key. Removing entries from the end of the log leaves the
 * head pointing past it, and a head rewritten to match needs the passphrase, so this is what makes a cut
 * tail visible ({@link AuditLog}).
 *
 * @param entries the entry count the head records
 * @param sha256 hex SHA-256 of the last entry's line
 * @param mac the head's MAC (base64url), absent in a head written before the log was authenticated
 */
record AuditHead(long entries, String sha256, Optional<String> mac) {
    private static final String MAC_LABEL = "nohop audit head v1\n";

    /** Whether the head carries a MAC and it is valid under {@code key}. */
    boolean authentic(SecretKey key) {
        if (mac.isEmpty()) {
            return false;
        }
        try {
            return KeyDerivation.tagsEqual(macOf(key, entries, sha256), Base64.getUrlDecoder().decode(mac.get()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] macOf(SecretKey key, long entries, String sha256) {
        return KeyDerivation.hmac(key, (MAC_LABEL + entries + "\n" + sha256).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the head of the store in {@code folder}.
     *
     * @return the head, or empty when there is none
     * @throws IOException when it cannot be read, is not JSON, or lacks its count or hash
     */
    static Optional<AuditHead> read(Path folder) throws IOException {
        Path head = folder.resolve(AuditLog.HEAD_FILE_NAME);
        if (!Files.exists(head)) {
            return Optional.empty();
        }
        Map<String, Object> json;
        try {
            json = JSONObjectUtils.parse(new String(BoundedRead.read(head, 64 * 1024), StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            throw new IOException(AuditLog.HEAD_FILE_NAME + " is not valid JSON", e);
        }
        if (!(json.get("entries") instanceof Number count) || !(json.get("sha256") instanceof String sha256)) {
            throw new IOException(AuditLog.HEAD_FILE_NAME + " lacks entries or sha256");
        }
        return Optional.of(new AuditHead(count.longValue(), sha256,
                json.get("mac") instanceof String mac ? Optional.of(mac) : Optional.empty()));
    }

    /**
     * Replaces the head (atomically, owner-only) with an authenticated one.
     *
     * @throws IOException when it cannot be written
     */
    static void write(Path folder, SecretKey macKey, long entries, String sha256) throws IOException {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("entries", entries);
        head.put("sha256", sha256);
        head.put("mac", Base64.getUrlEncoder().withoutPadding().encodeToString(macOf(macKey, entries, sha256)));
        AtomicFileWriter.write(folder.resolve(AuditLog.HEAD_FILE_NAME),
                (JsonText.write(head) + "\n").getBytes(StandardCharsets.UTF_8), AtomicFileWriter.OWNER_ONLY);
    }

    /**
     * Why the log's end does not match the head, if it does not. With a key, the head must be
     * authentic; without one (a reader that lacks the passphrase) only the count and hash are compared.
     */
    static Optional<String> problem(Path folder, SecretKey macKey, List<byte[]> lines,
                                    boolean acceptUnauthenticatedHead) {
        int n = lines.size();
        Optional<AuditHead> maybeHead;
        try {
            maybeHead = read(folder);
        } catch (IOException e) {
            return Optional.of(AuditLog.HEAD_FILE_NAME + " is unreadable or not valid JSON");
        }
        if (maybeHead.isEmpty()) {
            return n == 0 ? Optional.empty()
                    : Optional.of(AuditLog.HEAD_FILE_NAME + " is missing although the log has " + n + " entries");
        }
        AuditHead head = maybeHead.get();
        if (head.mac().isEmpty()) {
            if (!acceptUnauthenticatedHead) {
                return Optional.of(AuditLog.HEAD_FILE_NAME + " has no MAC: it was written without the passphrase");
            }
        } else if (!head.authentic(macKey)) {
            return Optional.of(AuditLog.HEAD_FILE_NAME + " was altered without the passphrase (its MAC does not match)");
        }
        long c = head.entries();
        if (c >= 1 && n >= c && AuditLog.sha256Hex(lines.get((int) c - 1)).equals(head.sha256())
                && (n - c <= 1 || head.mac().isPresent())) {
            return Optional.empty();
        }
        return Optional.of(AuditLog.HEAD_FILE_NAME + " records " + c + " entries but the log "
                + (n < c ? "has only " + n : "no longer matches it at entry #" + c)
                + ": entries were removed from the end or changed");
    }
}
