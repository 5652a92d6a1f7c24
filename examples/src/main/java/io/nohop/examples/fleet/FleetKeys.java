package io.nohop.examples.fleet;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two signing keys of the planned rotation (RS256, 2048 bits, as {@code nohop init} makes them) and
 * the three key sets the endpoint publishes in turn: the old key alone, both (the new one published
 * ahead of signing), the new one alone (the old one unpublished once its tokens have expired).
 *
 * @param oldKid the key that signs at first
 * @param newKid the key the rotation publishes and then activates
 * @param before the JWKS before the rotation
 * @param both the JWKS from publication until the old key is removed
 * @param after the JWKS from then on
 */
record FleetKeys(String oldKid, String newKid, byte[] before, byte[] both, byte[] after) {

    /**
     * Makes two fresh key pairs and publishes their public halves.
     *
     * @return the keys and documents
     */
    static FleetKeys generate() {
        try {
            RSAKey oldKey = new RSAKeyGenerator(2048).keyID("old-key").keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate().toPublicJWK();
            RSAKey newKey = new RSAKeyGenerator(2048).keyID("new-key").keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate().toPublicJWK();
            return new FleetKeys(oldKey.getKeyID(), newKey.getKeyID(), jwks(List.of(oldKey)),
                    jwks(List.of(oldKey, newKey)), jwks(List.of(newKey)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate RSA keys", e);
        }
    }

    private static byte[] jwks(List<JWK> keys) {
        return new JWKSet(keys).toString(true).getBytes(StandardCharsets.UTF_8);
    }
}
