package io.nohop.core.internal.refresh;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.VerificationKey;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signed key sets for tests, made with Nimbus directly (a second implementation: nohop only ever
 * reads them): OpenID Federation 1.0 signed JWK sets, {@code typ: jwk-set+jwt}, claims {@code iss},
 * {@code sub}, {@code iat}, {@code exp}, {@code keys}, signed by an ES256 root whose kid is its RFC 7638
 * thumbprint.
 */
final class SignedSets {
    static final Duration LIFETIME = Duration.ofDays(7);

    private SignedSets() {
    }

    /** @return a new root: P-256, kid = thumbprint, alg ES256, use sig (as {@code nohop root-key} prints one) */
    static ECKey newRoot() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same root for a whole test class is enough; generating one costs little anyway. */
    static final ECKey ROOT = newRoot();
    static final ECKey ATTACKER_ROOT = newRoot();

    static String publicJwk(ECKey root) {
        return root.toPublicJWK().toJSONString();
    }

    /** @return a verifier of sets signed by {@code roots}, with every algorithm allowed */
    static SignedKeySetVerifier verifier(Optional<String> issuer, ECKey... roots) {
        List<VerificationKey> keys = new ArrayList<>();
        for (ECKey root : roots) {
            keys.add(KeySetLoader.loadPinnedRoot(publicJwk(root)));
        }
        return new SignedKeySetVerifier(keys, EnumSet.allOf(JwsAlgorithm.class), issuer);
    }

    /** A set's claims, as a builder to adjust. */
    static JWTClaimsSet.Builder claims(Instant issuedAt, Optional<String> issuer, JWK... keys) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        issuer.ifPresent(iss -> claims.issuer(iss).subject(iss));
        List<Object> members = new ArrayList<>();
        Arrays.stream(keys).forEach(k -> members.add(k.toPublicJWK().toJSONObject()));
        return claims.issueTime(Date.from(issuedAt)).expirationTime(Date.from(issuedAt.plus(LIFETIME)))
                .claim("keys", members);
    }

    static JWSHeader.Builder header(ECKey root) {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(root.getKeyID()).type(new JOSEObjectType("jwk-set+jwt"));
    }

    static String sign(ECKey root, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new ECDSASigner(root));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a well-formed set signed by {@code root} at {@code issuedAt}, valid {@link #LIFETIME}, holding {@code keys} */
    static String set(ECKey root, Instant issuedAt, Optional<String> issuer, JWK... keys) {
        return sign(root, header(root).build(), claims(issuedAt, issuer, keys).build());
    }

    /** @return {@code set} with its signature's first byte changed: same header and claims */
    static String flipSignatureByte(String compact) {
        int signature = compact.lastIndexOf('.') + 1;
        char c = compact.charAt(signature);
        return compact.substring(0, signature) + (c == 'A' ? 'B' : 'A') + compact.substring(signature + 1);
    }

    /** @return a JSON object as a map of the claims, for tests that replace members */
    static Map<String, Object> json(JWTClaimsSet claims) {
        return claims.toJSONObject();
    }
}
