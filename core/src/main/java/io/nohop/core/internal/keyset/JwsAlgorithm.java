package io.nohop.core.internal.keyset;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The asymmetric JWS algorithms nohop verifies, with what each needs from a key and from the JDK.
 * Symmetric ({@code HS*}) and unsecured ({@code none}) algorithms are deliberately absent: a
 * verifier that holds only public keys has no business accepting them.
 */
public enum JwsAlgorithm {
    RS256("SHA256withRSA", null, KeyType.RSA, null, 0),
    RS384("SHA384withRSA", null, KeyType.RSA, null, 0),
    RS512("SHA512withRSA", null, KeyType.RSA, null, 0),
    PS256("RSASSA-PSS", pss("SHA-256", MGF1ParameterSpec.SHA256, 32), KeyType.RSA, null, 0),
    PS384("RSASSA-PSS", pss("SHA-384", MGF1ParameterSpec.SHA384, 48), KeyType.RSA, null, 0),
    PS512("RSASSA-PSS", pss("SHA-512", MGF1ParameterSpec.SHA512, 64), KeyType.RSA, null, 0),
    ES256("SHA256withECDSAinP1363Format", null, KeyType.EC, "P-256", 64),
    ES384("SHA384withECDSAinP1363Format", null, KeyType.EC, "P-384", 96),
    ES512("SHA512withECDSAinP1363Format", null, KeyType.EC, "P-521", 132),
    EdDSA("Ed25519", null, KeyType.OKP, "Ed25519", 64);

    /** Key families as JWK {@code kty} names them. */
    public enum KeyType { RSA, EC, OKP }

    private static final JwsAlgorithm[] VALUES = values();

    private final String jcaName;
    private final AlgorithmParameterSpec parameters;
    private final KeyType keyType;
    private final String curve;
    private final int signatureLength;

    JwsAlgorithm(String jcaName, AlgorithmParameterSpec parameters, KeyType keyType, String curve,
                 int signatureLength) {
        this.jcaName = jcaName;
        this.parameters = parameters;
        this.keyType = keyType;
        this.curve = curve;
        this.signatureLength = signatureLength;
    }

    private static AlgorithmParameterSpec pss(String digest, MGF1ParameterSpec mgf, int saltLength) {
        return new PSSParameterSpec(digest, "MGF1", mgf, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
    }

    /**
     * Looks up an algorithm by its exact JWS name (case-sensitive, as RFC 7515 requires).
     *
     * @param name the {@code alg} header value
     * @return the algorithm, or null when nohop does not verify it
     */
    public static JwsAlgorithm byName(String name) {
        for (JwsAlgorithm a : VALUES) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** @return the JCA signature algorithm name */
    public String jcaName() {
        return jcaName;
    }

    /** @return JCA parameters to set on the {@code Signature}, or null */
    public AlgorithmParameterSpec parameters() {
        return parameters;
    }

    /** @return the key family this algorithm needs */
    public KeyType keyType() {
        return keyType;
    }

    /** @return the JWK curve name this algorithm needs, or null for RSA */
    public String curve() {
        return curve;
    }

    /** @return the exact signature length in bytes for EC and EdDSA; 0 for RSA (modulus length) */
    public int signatureLength() {
        return signatureLength;
    }
}
