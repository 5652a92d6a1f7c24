package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.VerificationKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link KeySnapshot#select}, worked out once per key set, answers for every key set and algorithm what
 * a scan of the keys would: by kid, the key with that kid; without a kid, the only fitting key, and
 * {@link KeySnapshot#severalFit} exactly when more than one fits.
 */
class KeySelectionPropertyTest {
    // Keys of every family, some pinned to an alg, some to an alg that shares their family with others.
    private static final String[] POOL = {
        Tokens.jwk(Tokens.RSA, null),
        Tokens.jwk(Tokens.RSA_OTHER, null, "alg", "\"RS256\""),
        Tokens.jwk(Tokens.RSA, null, "alg", "\"PS256\""),
        Tokens.jwk(Tokens.EC256, null),
        Tokens.jwk(Tokens.EC256, null, "alg", "\"ES256\""),
        Tokens.jwk(Tokens.EC384, null),
        Tokens.jwk(Tokens.EC521, null),
        Tokens.jwk(Tokens.ED25519, null),
    };

    private static final List<VerificationKey> WITHOUT_KIDS = load(false);
    private static final List<VerificationKey> WITH_KIDS = load(true);

    @Provide
    Arbitrary<List<Integer>> keySets() {
        return Arbitraries.integers().between(0, POOL.length - 1).list().ofMaxSize(5);
    }

    @Property(tries = 300)
    void selectWithoutKid_isTheOnlyFittingKey(@ForAll("keySets") List<Integer> picks, @ForAll JwsAlgorithm algorithm) {
        List<VerificationKey> keys = pick(WITHOUT_KIDS, picks);
        KeySnapshot snapshot = KeySnapshot.of(keys, Instant.EPOCH, Instant.MAX);
        List<VerificationKey> fitting = new ArrayList<>();
        for (VerificationKey key : keys) {
            if (key.fits(algorithm)) {
                fitting.add(key);
            }
        }
        assertSame(fitting.size() == 1 ? fitting.get(0) : null, snapshot.select(null, algorithm));
        assertEquals(fitting.size() > 1, snapshot.severalFit(algorithm));
    }

    @Property(tries = 100)
    void selectByKid_isTheKeyWithThatKid_whateverTheAlgorithm(@ForAll("keySets") List<Integer> picks,
                                                             @ForAll JwsAlgorithm algorithm) {
        List<VerificationKey> keys = pick(WITH_KIDS, new ArrayList<>(new LinkedHashSet<>(picks)));
        KeySnapshot snapshot = KeySnapshot.of(keys, Instant.EPOCH, Instant.MAX);
        for (VerificationKey key : keys) {
            assertSame(key, snapshot.select(key.kid(), algorithm));
        }
        assertSame(null, snapshot.select("absent", algorithm));
    }

    private static List<VerificationKey> pick(List<VerificationKey> pool, List<Integer> picks) {
        List<VerificationKey> keys = new ArrayList<>();
        for (int i : picks) {
            keys.add(pool.get(i));
        }
        return keys;
    }

    private static List<VerificationKey> load(boolean withKids) {
        List<String> jwks = new ArrayList<>();
        for (int i = 0; i < POOL.length; i++) {
            String jwk = POOL[i];
            jwks.add(withKids ? jwk.substring(0, jwk.length() - 1) + ",\"kid\":\"k" + i + "\"}" : jwk);
        }
        try {
            List<VerificationKey> keys = KeySetLoader.load(Tokens.jwks(jwks.toArray(new String[0]))
                    .getBytes(StandardCharsets.UTF_8)).keys();
            assertEquals(POOL.length, keys.size(), "every pool key loads");
            return keys;
        } catch (InvalidKeySetException e) {
            throw new IllegalStateException(e);
        }
    }
}
