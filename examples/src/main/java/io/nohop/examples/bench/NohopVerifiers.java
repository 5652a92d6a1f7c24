package io.nohop.examples.bench;

import io.nohop.core.TokenVerifier;

/** How every benchmark builds a nohop verifier, so that each measures the same configuration. */
final class NohopVerifiers {
    private NohopVerifiers() {
    }

    static TokenVerifier forFixture(BenchTokens.Fixture fixture, int resultCacheSize) {
        return TokenVerifier.builder()
                .jwks(fixture.jwks)
                .issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE)
                .requiredType(BenchTokens.TYPE)
                .clock(BenchTokens.clock())
                .resultCache(resultCacheSize)
                .build();
    }
}
