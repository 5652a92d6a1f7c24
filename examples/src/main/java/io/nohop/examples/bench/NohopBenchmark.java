package io.nohop.examples.bench;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * nohop on the same tokens: a full verification with the keys cached (a fixed JWKS, a fixed clock),
 * and a verified-result cache hit. One verifier is shared by every thread, as in a service. {@code crypto}
 * picks the signature provider ({@link NohopVerifiers}): the default ({@code JDK}: the JDK's providers,
 * EdDSA through BouncyCastle, which is on this class path) or the native one ({@code ACCP}); compare with
 * {@link ProviderFloorBenchmark} (the provider's own check) in the same run.
 */
@State(Scope.Benchmark)
public class NohopBenchmark {
    /** Created by JMH, once per fork. */
    public NohopBenchmark() {
    }

    /** The JWS algorithm. */
    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    /** The crypto configuration: {@code JDK} (the builder's default) or {@code ACCP} (the native provider). */
    @Param({"JDK", "ACCP"})
    public String crypto;

    private String token;
    private TokenVerifier verifier;
    private TokenVerifier cachingVerifier;

    /**
     * Builds both verifiers and warms the result cache with the token.
     *
     * @throws TokenRejectedException if the token does not verify (a broken fixture)
     */
    @Setup
    public void setup() throws TokenRejectedException {
        BenchTokens.Fixture fixture = BenchTokens.fixture(algorithm);
        token = fixture.token;
        verifier = NohopVerifiers.forFixture(fixture, 0, crypto);
        cachingVerifier = NohopVerifiers.forFixture(fixture, 10_000, crypto);
        verifier.verify(token);
        cachingVerifier.verify(token);
    }

    /** Closes the verifiers. */
    @TearDown
    public void tearDown() {
        verifier.close();
        cachingVerifier.close();
    }

    /**
     * The full path: size, form, header, key by kid, signature, claims.
     *
     * @return the verified token
     * @throws TokenRejectedException never, for this token
     */
    @Benchmark
    public VerifiedToken verify() throws TokenRejectedException {
        return verifier.verify(token);
    }

    /**
     * A verified-result cache hit: the exact token string seen before, so only the time claims and
     * the key's presence are re-checked.
     *
     * @return the cached verified token
     * @throws TokenRejectedException never, for this token
     */
    @Benchmark
    public VerifiedToken resultCacheHit() throws TokenRejectedException {
        return cachingVerifier.verify(token);
    }
}
