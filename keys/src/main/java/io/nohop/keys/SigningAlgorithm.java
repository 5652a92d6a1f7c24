package io.nohop.keys;

import java.util.Locale;

/** The JWS algorithms a store can sign with; the names are the JWS {@code alg} values. */
public enum SigningAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys. The default: the cheapest to verify on JDK 17. */
    RS256,
    /** RSASSA-PSS with SHA-256, 2048-bit keys. */
    PS256,
    /** ECDSA on P-256 with SHA-256. */
    ES256,
    /** EdDSA on Ed25519. */
    EdDSA;

    /**
     * The JWS {@code alg} header value.
     *
     * @return the algorithm name as JOSE spells it
     */
    public String jwsName() {
        return name();
    }

    /**
     * Parses an algorithm name, ignoring case.
     *
     * @param name {@code RS256}, {@code PS256}, {@code ES256} or {@code EdDSA}
     * @return the algorithm
     * @throws IllegalArgumentException for any other name, naming it
     */
    public static SigningAlgorithm parse(String name) {
        for (SigningAlgorithm algorithm : values()) {
            if (algorithm.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unsupported signing algorithm: " + name + " (expected RS256, PS256, ES256 or EdDSA)");
    }
}
