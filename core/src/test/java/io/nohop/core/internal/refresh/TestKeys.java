package io.nohop.core.internal.refresh;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Public keys and JWKS documents for tests (P-256: fast to generate, as valid as RSA for the cache). */
final class TestKeys {
    private static final int MATERIALS = 4;
    private static final List<ECPublicKey> KEYS = generate();

    private TestKeys() {
    }

    private static List<ECPublicKey> generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            List<ECPublicKey> keys = new ArrayList<>();
            for (int i = 0; i < MATERIALS; i++) {
                keys.add((ECPublicKey) generator.generateKeyPair().getPublic());
            }
            return List.copyOf(keys);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a public JWK with this kid and the {@code material}-th key (0..3) */
    static JWK key(String kid, int material) {
        return new ECKey.Builder(Curve.P_256, KEYS.get(material)).keyID(kid).build();
    }

    /** @return a JWK with this kid; material chosen from the kid so that equal kids share material */
    static JWK key(String kid) {
        return key(kid, Math.floorMod(kid.hashCode(), MATERIALS));
    }

    static String jwks(JWK... keys) {
        return new JWKSet(Arrays.asList(keys)).toPublicJWKSet().toString();
    }

    static String jwks(String... kids) {
        return jwks(Arrays.stream(kids).map(TestKeys::key).toArray(JWK[]::new));
    }

    static final String NOT_JSON = "<html><body>secret error page</body></html>";
    static final String NOT_A_JWKS = "{\"issuer\":\"secret-not-a-key-set\"}";
    static final String EMPTY_SET = "{\"keys\":[]}";
    static final String NO_USABLE_KEY = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0\"}]}";
}
