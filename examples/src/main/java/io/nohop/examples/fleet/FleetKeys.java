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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

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
     * Makes two fresh key pairs, one on each of two threads (a 2048-bit RSA key takes about a quarter of a second
     * to find, before either simulated day can start), and publishes their public halves.
     *
     * @param threads where the two key pairs are made
     * @return the keys and documents
     * @throws InterruptedException if interrupted while waiting for them
     */
    static FleetKeys generate(ExecutorService threads) throws InterruptedException {
        Future<RSAKey> oldKey = threads.submit(() -> rsa("old-key"));
        Future<RSAKey> newKey = threads.submit(() -> rsa("new-key"));
        RSAKey before;
        RSAKey after;
        try {
            before = oldKey.get();
            after = newKey.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot generate RSA keys", e.getCause());
        }
        return new FleetKeys(before.getKeyID(), after.getKeyID(), jwks(List.of(before)), jwks(List.of(before, after)),
                jwks(List.of(after)));
    }

    private static RSAKey rsa(String kid) throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate()
                .toPublicJWK();
    }

    private static byte[] jwks(List<JWK> keys) {
        return new JWKSet(keys).toString(true).getBytes(StandardCharsets.UTF_8);
    }
}
