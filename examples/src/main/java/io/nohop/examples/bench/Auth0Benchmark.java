package io.nohop.examples.bench;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/**
 * auth0 {@code java-jwt}: a {@code JWTVerifier} with a key provider by kid, exact issuer, our audience
 * and the library's own exp/nbf/iat checks, on a fixed clock. java-jwt has no EdDSA, and does not
 * check {@code typ}.
 */
@State(Scope.Benchmark)
public class Auth0Benchmark {
    /** Created by JMH, once per fork. */
    public Auth0Benchmark() {
    }

    /** The JWS algorithm (java-jwt verifies no EdDSA). */
    @Param({"RS256", "PS256", "ES256"})
    public String algorithm;

    private String token;
    private JWTVerifier verifier;

    /** Builds the verifier. */
    @Setup
    public void setup() {
        BenchTokens.Fixture fixture = BenchTokens.fixture(algorithm);
        token = fixture.token;
        Map<String, Object> keys = Map.of(fixture.kid, fixture.publicKey);
        Algorithm a;
        switch (algorithm) {
            case "RS256":
                a = Algorithm.RSA256(new RsaKeys(keys));
                break;
            case "PS256":
                a = Algorithm.RSA256PSS(new RsaKeys(keys));
                break;
            case "ES256":
                a = Algorithm.ECDSA256(new EcKeys(keys));
                break;
            default:
                throw new IllegalArgumentException("java-jwt does not verify " + algorithm);
        }
        verifier = ((JWTVerifier.BaseVerification) JWT.require(a)
                .withIssuer(BenchTokens.ISSUER)
                .withAudience(BenchTokens.AUDIENCE))
                .build(BenchTokens.clock());
        verify();
    }

    /**
     * Decodes and verifies the token.
     *
     * @return the decoded token
     */
    @Benchmark
    public DecodedJWT verify() {
        return verifier.verify(token);
    }

    private static final class RsaKeys implements RSAKeyProvider {
        private final Map<String, Object> keys;

        RsaKeys(Map<String, Object> keys) {
            this.keys = keys;
        }

        @Override
        public RSAPublicKey getPublicKeyById(String keyId) {
            return (RSAPublicKey) keys.get(keyId);
        }

        @Override
        public RSAPrivateKey getPrivateKey() {
            return null;
        }

        @Override
        public String getPrivateKeyId() {
            return null;
        }
    }

    private static final class EcKeys implements ECDSAKeyProvider {
        private final Map<String, Object> keys;

        EcKeys(Map<String, Object> keys) {
            this.keys = keys;
        }

        @Override
        public ECPublicKey getPublicKeyById(String keyId) {
            return (ECPublicKey) keys.get(keyId);
        }

        @Override
        public ECPrivateKey getPrivateKey() {
            return null;
        }

        @Override
        public String getPrivateKeyId() {
            return null;
        }
    }
}
