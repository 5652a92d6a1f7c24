package io.nohop.keys.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Generates signing keys as JWKs (kid = RFC 7638 thumbprint, {@code alg}, {@code use: sig}) and
 * turns a private JWK into a signer.
 */
public final class KeyMaterial {

    /**
     * RSA modulus size: 2048 bits gives 112-bit security, acceptable to NIST SP 800-57 through 2030,
     * and keys here live one rotation period; larger moduli would slow every verification.
     */
    public static final int RSA_BITS = 2048;

    private KeyMaterial() {
    }

    /**
     * Generates a new private key for a JWS algorithm.
     *
     * @param jwsAlgorithm {@code RS256}, {@code PS256}, {@code ES256} or {@code EdDSA}
     * @return the private JWK with kid, alg and use set
     */
    public static JWK generate(String jwsAlgorithm) {
        JWSAlgorithm alg = JWSAlgorithm.parse(jwsAlgorithm);
        try {
            switch (jwsAlgorithm) {
                case "RS256", "PS256" -> {
                    RSAKey key = new RSAKeyGenerator(RSA_BITS).generate();
                    return new RSAKey.Builder(key).keyID(key.computeThumbprint().toString())
                            .algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
                }
                case "ES256" -> {
                    ECKey key = new ECKeyGenerator(Curve.P_256).generate();
                    return new ECKey.Builder(key).keyID(key.computeThumbprint().toString())
                            .algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
                }
                case "EdDSA" -> {
                    return generateEd25519(alg);
                }
                default -> throw new IllegalArgumentException("unsupported algorithm: " + jwsAlgorithm);
            }
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException("key generation failed for " + jwsAlgorithm + ": " + e.getMessage(), e);
        }
    }

    private static JWK generateEd25519(JWSAlgorithm alg) throws GeneralSecurityException, JOSEException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        // X.509 and PKCS#8 encodings of Ed25519 keys end with the raw 32-byte public key and seed.
        byte[] spki = pair.getPublic().getEncoded();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        byte[] d = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        try {
            OctetKeyPair key = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d)).build();
            return new OctetKeyPair.Builder(key).keyID(key.computeThumbprint().toString())
                    .algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
        } finally {
            Arrays.fill(d, (byte) 0);
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /**
     * Builds a signer from a private JWK.
     *
     * @param privateJwk the private key
     * @return a signer for the key's algorithm
     * @throws JOSEException if the JWK holds no usable private key
     */
    public static JWSSigner signer(JWK privateJwk) throws JOSEException {
        if (privateJwk instanceof RSAKey rsa) {
            return new RSASSASigner(rsa);
        }
        if (privateJwk instanceof ECKey ec) {
            return new ECDSASigner(ec);
        }
        if (privateJwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && okp.getD() != null) {
            byte[] d = okp.getD().decode();
            try {
                return new Ed25519JwsSigner(KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, d)));
            } catch (GeneralSecurityException e) {
                throw new JOSEException("bad Ed25519 private key: " + e.getMessage(), e);
            } finally {
                Arrays.fill(d, (byte) 0);
            }
        }
        throw new JOSEException("no signer for key type " + privateJwk.getKeyType());
    }
}
