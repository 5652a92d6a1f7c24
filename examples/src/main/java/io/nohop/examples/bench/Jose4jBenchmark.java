package io.nohop.examples.bench;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * jose4j: a {@code JwtConsumer} with a JWKS key resolver, the one expected algorithm, exact issuer,
 * our audience, exp required and the {@code typ} check, evaluated at a fixed time. One consumer per
 * thread, since jose4j does not promise that a consumer is thread-safe.
 */
@State(Scope.Thread)
public class Jose4jBenchmark {
    /** Created by JMH, once per fork. */
    public Jose4jBenchmark() {
    }

    /** The JWS algorithm. */
    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    private String token;
    private JwtConsumer consumer;

    /**
     * Builds the consumer.
     *
     * @throws Exception if the JWKS does not parse or the token does not verify (a broken fixture)
     */
    @Setup
    public void setup() throws Exception {
        BenchTokens.Fixture fixture = BenchTokens.fixture(algorithm);
        token = fixture.token;
        JsonWebKeySet jwks = new JsonWebKeySet(fixture.jwks);
        consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(60)
                .setExpectedIssuer(BenchTokens.ISSUER)
                .setExpectedAudience(BenchTokens.AUDIENCE)
                .setExpectedType(true, BenchTokens.TYPE)
                .setEvaluationTime(NumericDate.fromMilliseconds(BenchTokens.clock().millis()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithm)
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(jwks.getJsonWebKeys()))
                .build();
        verify();
    }

    /**
     * Parses and verifies the token.
     *
     * @return the claims
     * @throws Exception never, for this token
     */
    @Benchmark
    public JwtClaims verify() throws Exception {
        return consumer.processToClaims(token);
    }
}
