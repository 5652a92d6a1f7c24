package io.nohop.examples.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Date;
import java.util.Set;

/**
 * Nimbus {@code DefaultJWTProcessor}, the usual way: a JWK set source, a key selector for the one
 * expected algorithm, the {@code typ} check and a claims verifier (exact iss, our audience, exp, iat
 * and nbf required). Thread-safe, so shared like nohop's verifier.
 *
 * <p>No EdDSA: {@code JWSVerificationKeySelector} converts JWKs to Java keys, and Nimbus has no such
 * conversion for Ed25519 keys (its Ed25519 verifier works on Tink, from the JWK itself), so the
 * standard processor set-up finds no key for an EdDSA token.
 */
@State(Scope.Benchmark)
public class NimbusBenchmark {
    /** Created by JMH, once per fork. */
    public NimbusBenchmark() {
    }

    /** The JWS algorithm (no EdDSA through the standard key selector). */
    @Param({"RS256", "PS256", "ES256"})
    public String algorithm;

    private String token;
    private DefaultJWTProcessor<SecurityContext> processor;

    /**
     * Builds the processor.
     *
     * @throws Exception if the JWKS does not parse or the token does not verify (a broken fixture)
     */
    @Setup
    public void setup() throws Exception {
        BenchTokens.Fixture fixture = BenchTokens.fixture(algorithm);
        token = fixture.token;
        Date now = new Date(BenchTokens.clock().millis());
        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(BenchTokens.TYPE)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.parse(algorithm),
                new ImmutableJWKSet<>(JWKSet.parse(fixture.jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(BenchTokens.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(BenchTokens.ISSUER).build(), Set.of("exp", "iat", "nbf")) {
            @Override
            protected Date currentTime() {
                return now;
            }
        });
        verify();
    }

    /**
     * Parses and verifies the token.
     *
     * @return the claims
     * @throws Exception never, for this token
     */
    @Benchmark
    public JWTClaimsSet verify() throws Exception {
        return processor.process(token, null);
    }
}
