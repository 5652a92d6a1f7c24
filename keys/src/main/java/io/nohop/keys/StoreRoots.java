package io.nohop.keys;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Contents of {@code root.json}: the root key that signs the key set, a staged successor (created by
 * {@code root-key --rotate}, endorsed by the current root, not signing yet) and the earlier roots
 * (public parts only, kept so that operators and {@code serve} can follow the chain).
 *
 * @param current the root that signs the key set
 * @param next the staged successor, if any
 * @param previous earlier roots, most recent first
 */
record StoreRoots(Entry current, Optional<Entry> next, List<Entry> previous) {

    /** File name inside the store folder. */
    static final String FILE_NAME = "root.json";

    StoreRoots {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(next, "next");
        previous = List.copyOf(previous);
    }

    /**
     * One root.
     *
     * @param kid RFC 7638 thumbprint
     * @param algorithm its algorithm
     * @param publicJwk public JWK with kid, alg, use
     * @param createdAt when it was created
     * @param retiredAt when it stopped signing (previous roots)
     * @param endorsement the compact JWS in which its predecessor vouched for it, if it has a predecessor
     * @param privateKey the encrypted private JWK (current and staged roots only)
     */
    record Entry(String kid, SigningAlgorithm algorithm, JWK publicJwk, Instant createdAt, Optional<Instant> retiredAt,
                 Optional<String> endorsement, Optional<SealedPrivateKey> privateKey) {
        Entry {
            Objects.requireNonNull(kid, "kid");
            if (publicJwk.isPrivate()) {
                throw new IllegalArgumentException("a root entry's JWK must be public: " + kid);
            }
        }

        RootKey view() {
            return new RootKey(kid, algorithm, publicJwk.toJSONString(), createdAt, endorsement);
        }

        Entry retired(Instant at) {
            return new Entry(kid, algorithm, publicJwk, createdAt, Optional.of(at), endorsement, Optional.empty());
        }
    }

    /** Every root, the signing one first: current, staged, then earlier ones. */
    List<Entry> all() {
        List<Entry> all = new ArrayList<>();
        all.add(current);
        next.ifPresent(all::add);
        all.addAll(previous);
        return all;
    }

    List<JWK> publicJwks() {
        return all().stream().map(Entry::publicJwk).toList();
    }
}
