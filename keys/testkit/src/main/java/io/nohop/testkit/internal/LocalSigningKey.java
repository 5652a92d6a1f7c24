package io.nohop.testkit.internal;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.SigningAlgorithm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key pair held in memory by the kit, signing with the JDK's own providers. Two uses: the key the
 * kit publishes beside the store's keys to sign tokens nohop's issuer never mints (already expired,
 * not yet valid, another issuer), and an unpublished key whose signatures under a published kid can
 * never verify (bad signature).
 */
public final class LocalSigningKey {
    private final SigningAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final JWK publicJwk;

    private LocalSigningKey(SigningAlgorithm algorithm, PrivateKey privateKey, JWK publicJwk) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.publicJwk = publicJwk;
    }

    /**
     * Generates a key of the family the algorithm needs (RSA 2048, P-256, Ed25519).
     *
     * @param algorithm the JWS algorithm it will sign with
     * @return the key, with kid = its RFC 7638 thumbprint
     */
    public static LocalSigningKey generate(SigningAlgorithm algorithm) {
        try {
            KeyPair pair;
            JWK jwk;
            Algorithm alg = new Algorithm(algorithm.jwsName());
            switch (algorithm) {
                case RS256, PS256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048);
                    pair = g.generateKeyPair();
                    jwk = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyIDFromThumbprint()
                            .algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
                }
                case ES256 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    pair = g.generateKeyPair();
                    jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).keyIDFromThumbprint()
                            .algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
                }
                case EdDSA -> {
                    pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                    // The X.509 encoding of an Ed25519 public key ends with its raw 32 bytes (RFC 8410).
                    byte[] spki = pair.getPublic().getEncoded();
                    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                    jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyIDFromThumbprint()
                            .algorithm(alg).keyUse(KeyUse.SIGNATURE).build();
                }
                default -> throw new IllegalArgumentException("unsupported algorithm: " + algorithm);
            }
            return new LocalSigningKey(algorithm, pair.getPrivate(), jwk);
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    /**
     * The key id: the RFC 7638 thumbprint.
     *
     * @return the kid
     */
    public String kid() {
        return publicJwk.getKeyID();
    }

    /**
     * The public JWK, with kid, alg and {@code use: sig}.
     *
     * @return the public key
     */
    public JWK publicJwk() {
        return publicJwk;
    }

    /**
     * Signs a token: header {@code alg}, {@code kid} (the given one), {@code typ}, and the claims as given.
     *
     * @param kid the kid to name in the header
     * @param type the {@code typ} header
     * @param claims JSON-compatible claim values
     * @return the compact JWS
     */
    public String sign(String kid, String type, Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", algorithm.jwsName());
        header.put("kid", kid);
        header.put("typ", type);
        String signingInput = base64(JSONObjectUtils.toJSONString(header)) + "." + base64(JSONObjectUtils.toJSONString(claims));
        return signingInput + "." + signature(signingInput);
    }

    /**
     * The base64url signature of a JWS signing input ({@code header.payload}).
     *
     * @param signingInput the first two segments of a compact JWS, with their dot
     * @return the third segment
     */
    public String signature(String signingInput) {
        try {
            Signature s = switch (algorithm) {
                case RS256 -> Signature.getInstance("SHA256withRSA");
                case PS256 -> {
                    Signature pss = Signature.getInstance("RSASSA-PSS");
                    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    yield pss;
                }
                // JWS wants R || S (IEEE P1363), not the DER sequence the plain JDK name produces.
                case ES256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
                case EdDSA -> Signature.getInstance("Ed25519");
            };
            s.initSign(privateKey);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return Base64URL.encode(s.sign()).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + algorithm + ": " + e.getMessage(), e);
        }
    }

    private static String base64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
