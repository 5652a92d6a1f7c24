package io.nohop.examples.bench;

import io.nohop.core.TokenVerifier;

import java.security.Security;

/** How every benchmark builds a nohop verifier, so that each measures the same configuration. */
final class NohopVerifiers {
    private NohopVerifiers() {
    }

    static TokenVerifier forFixture(BenchTokens.Fixture fixture, int resultCacheSize) {
        return forFixture(fixture, resultCacheSize, "JDK");
    }

    /**
     * A verifier for the fixture's key set.
     *
     * @param crypto {@code JDK}: the builder's default (the JDK's providers; EdDSA through BouncyCastle's
     *               pure-Java Ed25519, which is on this module's class path); {@code ACCP}:
     *               {@code cryptoProvider(ACCP)}; {@code SunEC}: the JDK's own ECDSA and Ed25519 named as the
     *               provider (for EdDSA on the JDK alone, BouncyCastle or not; ES* and EdDSA only)
     */
    static TokenVerifier forFixture(BenchTokens.Fixture fixture, int resultCacheSize, String crypto) {
        TokenVerifier.Builder b = TokenVerifier.builder()
                .jwks(fixture.jwks)
                .issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE)
                .requiredType(BenchTokens.TYPE)
                .clock(BenchTokens.clock())
                .resultCache(resultCacheSize);
        switch (crypto) {
            case "JDK":
                break;
            case "ACCP":
                b.cryptoProvider(CryptoProviders.accp());
                break;
            case "SunEC":
                b.algorithms(fixture.algorithm).cryptoProvider(Security.getProvider("SunEC"));
                break;
            default:
                throw new IllegalArgumentException("unknown crypto configuration: " + crypto);
        }
        return b.build();
    }
}
