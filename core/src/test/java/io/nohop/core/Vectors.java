package io.nohop.core;

import com.nimbusds.jose.util.JSONObjectUtils;

import io.nohop.core.internal.crypto.SignatureEngine;
import io.nohop.core.internal.jws.CompactJws;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.keyset.VerificationKey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** Reading third-party vectors from the class path, and the JWS layer they run through. */
final class Vectors {
    private Vectors() {
    }

    /** A vector file under {@code src/test/resources/testvectors/}, parsed leniently (it is our input, not a token). */
    static Map<String, Object> json(String resource) {
        try (InputStream in = Vectors.class.getResourceAsStream("/testvectors/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector file " + resource);
            }
            return JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | java.text.ParseException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /** Any JSON object text, parsed by Nimbus (an independent parser: a reference, not the code under test). */
    static Map<String, Object> parseLeniently(String json) {
        try {
            return JSONObjectUtils.parse(json);
        } catch (java.text.ParseException e) {
            throw new AssertionError("not JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    static String toJson(Map<String, Object> value) {
        return JSONObjectUtils.toJSONString(value);
    }

    static int tcId(Map<String, Object> test) {
        return ((Number) test.get("tcId")).intValue();
    }

    static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    /**
     * Steps 3, 4 and 6 of the verification path for one fixed key set, below the claims: the verifier's
     * own JWS layer ({@link CompactJws}), key selection as {@code KeySelector} does it for a single
     * source ({@link KeySnapshot#select}: by kid, or the only fitting key), the fit check and
     * {@link VerificationKey#verify} with the suite's crypto configuration ({@link CryptoUnderTest}). Third-party
     * payloads are arbitrary bytes, not claim sets, so they cannot go through {@code verify} whole.
     *
     * @return null when the signature verifies, else the rejection reason
     */
    static RejectionReason jwsLayer(LoadedKeySet keys, String token) {
        return jwsLayer(CryptoUnderTest.engine(), keys, token);
    }

    /** As {@link #jwsLayer(LoadedKeySet, String)}, with the given signature engine. */
    static RejectionReason jwsLayer(SignatureEngine engine, LoadedKeySet keys, String token) {
        try {
            CompactJws jws = CompactJws.parse(token, EnumSet.allOf(JwsAlgorithm.class));
            KeySnapshot snapshot = KeySnapshot.of(keys.keys(), Instant.EPOCH, Instant.MAX);
            VerificationKey key = snapshot.select(jws.kid(), jws.algorithm());
            if (key == null) {
                return RejectionReason.UNKNOWN_KEY;
            }
            if (!key.fits(jws.algorithm())) {
                return RejectionReason.UNSUPPORTED_ALGORITHM;
            }
            return key.verify(engine, jws.algorithm(), jws.signingInput(), jws.signingInputLength(), jws.signature())
                    ? null : RejectionReason.BAD_SIGNATURE;
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }
}
