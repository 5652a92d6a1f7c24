package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.internal.LogText;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last-known-good file of one verifier: one small JSON envelope with one entry per key source
 * ({@link CachedKeySet}, keyed by what the source was configured with), so that any number of sources
 * — several {@code trustIssuer} / {@code discoverIssuer} — share the one configured file and each is
 * restored after a restart.
 *
 * <pre>{"format":"nohop-keyset-cache/2","entries":[{"source":"…","jwksUri":"…","confirmedAt":"2030-…Z",
 *  "lifetime":"PT5M","etag":"…","lastModified":"…","mediaType":"application/json","document":"base64…"},…]}</pre>
 *
 * <p>An entry of a source that pins roots has {@code "mediaType":"application/jwk-set+jwt"}, the signed
 * key set as {@code document} and {@code "newestIssuedAt":"…Z"} (its {@code iat}); it is trusted only
 * after the signed set passes the checks again (see {@link #restore}), so the rest of the envelope is
 * never believed on its own word beyond the staleness bound it can shorten.
 *
 * <p>A source's write reads the file, replaces its own entry, keeps the others that are still within
 * the staleness bound (at most {@value #MAX_ENTRIES}, newest first), and replaces the file atomically —
 * a temp file in the same directory, fsync, atomic rename — so that a crash mid-write leaves either the
 * old file or the new one, never half of one. Writes to one path are serialized within the JVM; two
 * processes must not share a file (each would drop the other's entries it cannot see in time). A file
 * in the previous single-source format ({@value #FORMAT_V1}) is read as one entry.
 *
 * <p>Nothing is refused silently: a file or an entry that cannot be used is logged with why (WARN), and
 * a file without an entry for a source says so (INFO); the source then fetches as if there were no
 * file. Never fatal: a file that cannot be written leaves the keys in memory.
 */
final class KeySetFile implements KeySetStore {
    static final String FORMAT = "nohop-keyset-cache/2";
    static final String FORMAT_V1 = "nohop-keyset-cache/1";
    static final int MAX_ENTRIES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(KeySetFile.class);
    private static final int MAX_DEPTH = 4;
    private static final int MAX_ERROR_TEXT = 160;
    // base64 grows the document by 4/3; the rest of an entry is small.
    private static final int ENTRY_OVERHEAD = 16 * 1024;
    // One lock per file within the JVM: two verifiers writing one path must not lose each other's entries.
    private static final Map<Path, Object> WRITE_LOCKS = new ConcurrentHashMap<>();

    private final Path path;
    private final int maxDocumentBytes;
    private final long maxFileBytes;

    /**
     * @param path where the file lives
     * @param maxDocumentBytes the body cap; larger documents are refused, a larger file is not read
     */
    KeySetFile(Path path, int maxDocumentBytes) {
        this.path = Objects.requireNonNull(path, "path");
        this.maxDocumentBytes = maxDocumentBytes;
        this.maxFileBytes = ((long) maxDocumentBytes * 4 / 3 + 4 + ENTRY_OVERHEAD) * MAX_ENTRIES;
    }

    Path path() {
        return path;
    }

    /**
     * Finds this source's entry and checks that it may be served: written for this source (and, when
     * the JWKS URI is configured, for that URI), confirmed neither in the future nor longer ago than the
     * staleness bound, the media type the source reads, and a key set with a usable key. For a source
     * that pins roots, the entry must hold a signed key set that passes every check again under the
     * pinned roots (signature, {@code typ}, {@code iss}, {@code exp} against now), and its
     * {@code newestIssuedAt} must be that set's {@code iat}: nobody without a root's private key can make
     * a verifier restore keys, nor raise the rollback floor. A refused entry is logged (a signature that
     * does not verify, at ERROR: someone changed the file) and the source starts as if it had none.
     *
     * @param source what the source was configured with
     * @param jwksUri the source's JWKS URI when configured (empty for a discovering source)
     * @param now the current instant
     * @param maxStaleness how long after its confirmation an entry may still be served
     * @param signedSets the source's check when it pins roots; empty for a plain JWKS
     * @return the entry with its keys, or empty (logged, with why)
     */
    @Override
    public Optional<Restored> restore(URI source, Optional<URI> jwksUri, Instant now, Duration maxStaleness,
                                      Optional<SignedKeySetVerifier> signedSets) {
        Map<URI, CachedKeySet> entries;
        try {
            entries = read();
        } catch (Unreadable e) {
            LOG.warn("ignoring key cache file {}: {}", path, e.getMessage());
            return Optional.empty();
        }
        if (entries.isEmpty()) {
            LOG.debug("no key cache file at {} yet", path);
            return Optional.empty();
        }
        CachedKeySet entry = entries.get(source);
        if (entry == null) {
            LOG.info("key cache file {} holds no key set for {} yet", path, source);
            return Optional.empty();
        }
        Instant usableUntil = entry.confirmedAt().plus(maxStaleness);
        String refusal = null;
        if (jwksUri.filter(u -> !u.equals(entry.jwksUri())).isPresent()) {
            refusal = "it was fetched from another JWKS URI";
        } else if (entry.confirmedAt().isAfter(now)) {
            refusal = "its confirmation time lies in the future";
        } else if (!now.isBefore(usableUntil)) {
            refusal = "it is older than the staleness bound";
        } else if (!expectedMediaType(signedSets).equals(entry.mediaType())) {
            refusal = "it holds a document of type " + LogText.escape(entry.mediaType(), 80) + ", and this source "
                    + (signedSets.isPresent() ? "pins roots: it reads signed key sets only" : "reads a plain JWKS");
        } else if (entry.document().length > maxDocumentBytes) {
            refusal = "its document is larger than " + maxDocumentBytes + " bytes";
        }
        LoadedKeySet keys = null;
        Optional<Instant> expiresAt = Optional.empty();
        boolean tampered = false;
        if (refusal == null && signedSets.isPresent()) {
            try {
                SignedKeySetVerifier.Verified verified = signedSets.get().verify(entry.document(), now, Optional.empty());
                if (!entry.newestIssuedAt().equals(Optional.of(verified.issuedAt()))) {
                    refusal = "its newestIssuedAt is not the iat of the signed key set it holds";
                    tampered = true;
                } else {
                    keys = verified.keys();
                    expiresAt = Optional.of(verified.expiresAt());
                }
            } catch (InvalidKeySetException e) {
                refusal = "its signed key set is refused under the pinned roots (" + e.failure().code() + ": "
                        + LogText.escape(e.getMessage(), MAX_ERROR_TEXT) + ")";
                tampered = e.failure() == RefreshFailure.UNSIGNED || e.failure() == RefreshFailure.BAD_SIGNATURE;
            }
        } else if (refusal == null) {
            try {
                keys = KeySetLoader.load(entry.document());
            } catch (InvalidKeySetException e) {
                refusal = "its key set is unusable (" + LogText.escape(e.getMessage(), MAX_ERROR_TEXT) + ")";
            }
        }
        if (refusal != null) {
            if (tampered) {
                LOG.error("refusing the key set for {} in cache file {}: {}; someone without a root's private key "
                        + "changed the file, which is ignored", source, path, refusal);
            } else {
                LOG.warn("ignoring the key set for {} in cache file {}: {}", source, path, refusal);
            }
            return Optional.empty();
        }
        LOG.info("serving {} keys for {} from cache file {} (confirmed at {}, usable until {}) while refreshing",
                keys.keys().size(), source, path, entry.confirmedAt(),
                expiresAt.filter(exp -> exp.isBefore(usableUntil)).orElse(usableUntil));
        return Optional.of(new Restored(entry, keys, expiresAt));
    }

    private static String expectedMediaType(Optional<SignedKeySetVerifier> signedSets) {
        return signedSets.isPresent() ? SignedKeySetVerifier.MEDIA_TYPE : CachedKeySet.JWKS;
    }

    /**
     * Stores one source's entry, keeping the other sources' entries that are still within
     * {@code keepOthersFor} of their confirmation. Never throws: a failure is logged and the keys stay
     * in memory (only a restart during an outage would lack them).
     *
     * @param entry the entry to store
     * @param now the current instant
     * @param keepOthersFor how long after its confirmation another source's entry is worth keeping
     */
    @Override
    public void save(CachedKeySet entry, Instant now, Duration keepOthersFor) {
        synchronized (WRITE_LOCKS.computeIfAbsent(path.toAbsolutePath().normalize(), p -> new Object())) {
            List<CachedKeySet> kept = new ArrayList<>();
            try {
                for (CachedKeySet other : read().values()) {
                    if (!other.source().equals(entry.source()) && other.confirmedAt().plus(keepOthersFor).isAfter(now)) {
                        kept.add(other);
                    }
                }
            } catch (Unreadable e) {
                LOG.warn("replacing unreadable key cache file {} ({})", path, e.getMessage());
            }
            kept.sort(Comparator.comparing(CachedKeySet::confirmedAt).reversed());
            List<CachedKeySet> entries = new ArrayList<>();
            entries.add(entry);
            entries.addAll(kept.subList(0, Math.min(kept.size(), MAX_ENTRIES - 1)));
            try {
                write(entries);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not write key cache file {} ({}); keys stay in memory", path,
                        e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Reads and checks the envelope (not the documents inside, which the key loader judges).
     *
     * @return the entries by source; empty when there is no file
     * @throws Unreadable when the file exists but is not a valid envelope
     */
    Map<URI, CachedKeySet> read() throws Unreadable {
        byte[] bytes;
        try {
            // Anything but a regular file is refused before it is opened: a FIFO would block the reader (and
            // the verifier's build()) until someone writes to it, and a device such as /dev/zero reports size 0
            // and never ends. The bytes read are bounded too, in case the file grows meanwhile.
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new Unreadable("not a regular file");
            }
            if (attributes.size() > maxFileBytes) {
                throw new Unreadable("file larger than " + maxFileBytes + " bytes");
            }
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(Math.toIntExact(Math.min(Integer.MAX_VALUE - 8L, maxFileBytes + 1L)));
            }
            if (bytes.length > maxFileBytes) {
                throw new Unreadable("file larger than " + maxFileBytes + " bytes");
            }
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new Unreadable("cannot read (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, Object> envelope;
        try {
            envelope = StrictJson.parseObject(bytes, MAX_DEPTH);
        } catch (JsonParseException e) {
            throw new Unreadable("not JSON");
        }
        Object format = envelope.get("format");
        if (FORMAT_V1.equals(format)) {
            CachedKeySet only = entry(envelope);
            return Map.of(only.source(), only);
        }
        if (!FORMAT.equals(format) || !(envelope.get("entries") instanceof List<?> list)) {
            throw new Unreadable("not a " + FORMAT + " file");
        }
        if (list.size() > MAX_ENTRIES) {
            throw new Unreadable("more than " + MAX_ENTRIES + " entries");
        }
        Map<URI, CachedKeySet> entries = new LinkedHashMap<>();
        for (Object member : list) {
            if (!(member instanceof Map<?, ?> map)) {
                throw new Unreadable("an entry is not an object");
            }
            @SuppressWarnings("unchecked")
            CachedKeySet entry = entry((Map<String, Object>) map);
            if (entries.put(entry.source(), entry) != null) {
                throw new Unreadable("two entries for one source");
            }
        }
        return entries;
    }

    private static CachedKeySet entry(Map<String, Object> members) throws Unreadable {
        try {
            return new CachedKeySet(
                    URI.create(text(members, "source")),
                    URI.create(text(members, "jwksUri")),
                    Instant.parse(text(members, "confirmedAt")),
                    Duration.parse(text(members, "lifetime")),
                    new RevalidationHeaders(optionalText(members, "etag"), optionalText(members, "lastModified")),
                    optionalText(members, "mediaType").orElse(CachedKeySet.JWKS),
                    optionalText(members, "newestIssuedAt").map(Instant::parse),
                    Base64.getDecoder().decode(text(members, "document")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new Unreadable("malformed member");
        }
    }

    /**
     * Replaces the file atomically with exactly these entries.
     *
     * @param entries what to persist
     * @throws IOException when the file cannot be written (the previous file, if any, is intact)
     */
    void write(Collection<CachedKeySet> entries) throws IOException {
        List<Object> list = new ArrayList<>();
        for (CachedKeySet entry : entries) {
            list.add(members(entry));
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("format", FORMAT);
        envelope.put("entries", list);
        byte[] bytes = (StrictJson.writeCompact(envelope) + "\n").getBytes(StandardCharsets.UTF_8);
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // The rename below replaces whatever is at the path: never a device, a FIFO or a socket (as root, a cache
        // file configured as /dev/urandom would otherwise turn that device into a file of JSON for the whole host).
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isSymbolicLink(path)) {
            throw new IOException(path + " is not a regular file; it is left as it is");
        }
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

    private static Map<String, Object> members(CachedKeySet entry) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("source", entry.source().toString());
        members.put("jwksUri", entry.jwksUri().toString());
        members.put("confirmedAt", entry.confirmedAt().toString());
        members.put("lifetime", entry.lifetime().toString());
        entry.revalidation().etag().ifPresent(etag -> members.put("etag", etag));
        entry.revalidation().lastModified().ifPresent(date -> members.put("lastModified", date));
        members.put("mediaType", entry.mediaType());
        entry.newestIssuedAt().ifPresent(iat -> members.put("newestIssuedAt", iat.toString()));
        members.put("document", Base64.getEncoder().encodeToString(entry.document()));
        return members;
    }

    // Makes the rename itself durable; not every platform can open a directory, so failure is ignored.
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // The data is written; only the rename's durability across a power cut is not guaranteed.
        }
    }

    private static String text(Map<String, Object> members, String name) throws Unreadable {
        Object value = members.get(name);
        if (!(value instanceof String)) {
            throw new Unreadable("member " + name + " missing or not a string");
        }
        return (String) value;
    }

    private static Optional<String> optionalText(Map<String, Object> members, String name) throws Unreadable {
        return members.containsKey(name) ? Optional.of(text(members, name)) : Optional.empty();
    }

    /** The file exists but cannot be used; the message is fixed text, safe to log. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String why) {
            super(why, null, false, false);
        }
    }
}
