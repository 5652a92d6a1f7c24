package io.nohop.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.internal.AuditLog;
import io.nohop.keys.internal.BoundedRead;
import io.nohop.keys.internal.KeySetJws;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed key set file {@code keyset.jwt}: read and checked under the roots (nothing in it counts
 * before its signature does), signed and written, recorded in the audit log, and whether it is due
 * to be signed again.
 */
final class KeySetFile {

    /** Under {@link SigningKeyStore}'s name: that is the logger operators' log settings name. */
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyStore.class);
    /** A signed key set is a few KiB; anything far larger is refused unread. */
    private static final long MAX_KEY_SET_BYTES = 1 << 20;
    /** Key sets that passed the check, by exact document, roots and issuer (a few per process). */
    private static final Map<String, KeySetJws.VerifiedKeySet> VERIFIED = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KeySetJws.VerifiedKeySet> eldest) {
            return size() > 8;
        }
    };

    private final Path folder;
    private final StoreConfig config;

    KeySetFile(Path folder, StoreConfig config) {
        this.folder = folder;
        this.config = config;
    }

    /** The raw {@code keyset.jwt}: empty when missing; {@code tooLarge} when it is unreasonably big (not read). */
    record KeySetBytes(Optional<byte[]> bytes, boolean tooLarge) {
        boolean sameAs(KeySetBytes other) {
            return tooLarge == other.tooLarge && bytes.isPresent() == other.bytes.isPresent()
                    && (bytes.isEmpty() || Arrays.equals(bytes.get(), other.bytes.get()));
        }
    }

    record KeySetRead(Optional<KeySetJws.VerifiedKeySet> set, Optional<String> problem) {
    }

    record Written(KeySetJws.VerifiedKeySet set, String sha256) {
    }

    KeySetBytes readKeySetBytes() throws IOException {
        Path file = folder.resolve(SigningKeyStore.KEY_SET_FILE);
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_KEY_SET_BYTES) {
                return new KeySetBytes(Optional.empty(), true);
            }
            return new KeySetBytes(Optional.of(BoundedRead.read(file, (int) MAX_KEY_SET_BYTES)), false);
        } catch (NoSuchFileException e) {
            return new KeySetBytes(Optional.empty(), false);
        }
    }

    KeySetRead readKeySet(StoreRoots roots) throws IOException {
        return verifyKeySet(roots, readKeySetBytes());
    }

    KeySetRead verifyKeySet(StoreRoots roots, KeySetBytes read) {
        String again = "; nohop rotate --store " + folder + " --if-due (with the passphrase) signs it again";
        if (read.tooLarge()) {
            return new KeySetRead(Optional.empty(), Optional.of(SigningKeyStore.KEY_SET_FILE + " is far too large to be a"
                    + " signed key set (altered without the passphrase)" + again));
        }
        if (read.bytes().isEmpty()) {
            return new KeySetRead(Optional.empty(), Optional.of("the signed key set " + SigningKeyStore.KEY_SET_FILE
                    + " is missing" + again));
        }
        String compact = new String(read.bytes().get(), StandardCharsets.ISO_8859_1);
        // serve and TokenIssuer read the store every second or every token: a signature check is done
        // once per distinct (document, roots, issuer), never trusted across any other input.
        String cacheKey = compact + "\n" + roots.publicJwks().stream().map(JWK::toJSONString).toList() + "\n"
                + config.issuer().orElse("");
        synchronized (VERIFIED) {
            KeySetJws.VerifiedKeySet cached = VERIFIED.get(cacheKey);
            if (cached != null) {
                return new KeySetRead(Optional.of(cached), Optional.empty());
            }
        }
        try {
            KeySetJws.VerifiedKeySet verified = KeySetJws.verifyKeySet(compact, roots.publicJwks(), config.issuer());
            synchronized (VERIFIED) {
                VERIFIED.put(cacheKey, verified);
            }
            return new KeySetRead(Optional.of(verified), Optional.empty());
        } catch (KeySetJws.RefusedException e) {
            return new KeySetRead(Optional.empty(), Optional.of("the signed key set " + SigningKeyStore.KEY_SET_FILE
                    + " does not verify under the store's root key (" + e.getMessage()
                    + "): it was altered without the passphrase" + again));
        }
    }

    /**
     * Signs and atomically writes a key set; {@code iat} is the later of now and one second after the
     * latest set the store has signed, so it strictly increases even if the clock steps back.
     */
    Written writeKeySet(JWK rootPrivate, StoreRoots roots, List<KeyRecord> keys, Instant now, long lastIssuedAt)
            throws IOException, StoreException {
        long iat = Math.max(now.getEpochSecond(), lastIssuedAt + 1);
        long exp = iat + config.keySetLifetime().getSeconds();
        String compact;
        KeySetJws.VerifiedKeySet verified;
        try {
            compact = KeySetJws.signKeySet(rootPrivate, keys.stream().map(KeyRecord::publicJwk).toList(), config.issuer(),
                    iat, exp);
            // Checked as a reader will check it, before anything is written.
            verified = KeySetJws.verifyKeySet(compact, roots.publicJwks(), config.issuer());
        } catch (JOSEException | KeySetJws.RefusedException e) {
            throw new StoreException("signing the key set failed: " + SigningKeyStore.oneLine(e.getMessage()), e);
        }
        byte[] bytes = compact.getBytes(StandardCharsets.US_ASCII);
        AtomicFileWriter.write(folder.resolve(SigningKeyStore.KEY_SET_FILE), bytes, AtomicFileWriter.OWNER_ONLY);
        LOG.info("signed key set of store {}: iat {}, {} keys", folder, Instant.ofEpochSecond(iat), keys.size());
        return new Written(verified, AuditLog.sha256Hex(bytes));
    }

    void auditKeySet(SecretKey auditKey, Instant now, String command, Written written) throws IOException {
        KeySetJws.VerifiedKeySet set = written.set();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("iat", set.issuedAt());
        data.put("exp", set.expiresAt());
        data.put("sha256", written.sha256());
        AuditLog.append(folder, auditKey, now, new AuditLog.NewEntry(command, AuditLog.EVENT_KEY_SET_SIGNED, set.signerKid(),
                null, "iat " + Instant.ofEpochSecond(set.issuedAt()) + ", exp " + Instant.ofEpochSecond(set.expiresAt())
                        + ", " + set.keys().size() + " keys: " + String.join(", ", set.kids()), data));
    }

    static long lastAuditedIssuedAt(List<AuditLog.Entry> entries) {
        long last = 0;
        for (AuditLog.Entry e : entries) {
            if (e.event().equals(Optional.of(AuditLog.EVENT_KEY_SET_SIGNED))) {
                last = Math.max(last, e.number("iat").orElse(0L));
            }
        }
        return last;
    }

    /** The keys a set signed at {@code now} must hold, oldest first. */
    static List<KeyRecord> publishedAt(List<KeyRecord> derived, Instant now) {
        return derived.stream().filter(r -> r.stateAt(now).isPublished())
                .sorted(Comparator.comparingLong(KeyRecord::sequence)).toList();
    }

    /**
     * Tells whether the published set is out of date: what should be published changed (a key reached
     * its removal time), less than half its lifetime is left, or it is missing or signed by an earlier root.
     */
    boolean keySetDue(StoreSnapshot snapshot, Instant now) {
        if (snapshot.signedKeySet().isEmpty() || snapshot.rootKey().isEmpty()) {
            return true;
        }
        SignedKeySet set = snapshot.signedKeySet().get();
        Set<String> target = new HashSet<>();
        for (KeyRecord r : snapshot.records()) {
            if (set.kids().contains(r.kid()) && r.stateAt(now).isPublished()) {
                target.add(r.kid());
            }
        }
        return !target.equals(new HashSet<>(set.kids()))
                || halfLifePassed(set.issuedAt().getEpochSecond(), now)
                || !set.signerKid().equals(snapshot.rootKey().get().kid());
    }

    boolean halfLifePassed(long issuedAt, Instant now) {
        return now.getEpochSecond() >= issuedAt + config.keySetLifetime().getSeconds() / 2;
    }
}
