package io.nohop.examples.bench;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark fixtures are what docs/BENCHMARKS.md says they are, so the figures measure the intended path. */
class BenchTokensTest {
    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void tokensAreRealisticAccessTokens(String algorithm) {
        String token = BenchTokens.fixture(algorithm).token;
        assertTrue(token.length() >= 600 && token.length() <= 900, algorithm + " token is " + token.length() + " bytes");
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        long members = payload.chars().filter(c -> c == ':').count();
        assertTrue(members >= 12, "a dozen claims or more: " + payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void eachFixtureTokenGetsTheOutcomeItsBenchmarkExpects(String algorithm) throws TokenRejectedException {
        BenchTokens.Fixture f = BenchTokens.fixture(algorithm);
        try (TokenVerifier verifier = NohopVerifiers.forFixture(f, 0)) {
            assertEquals(f.kid, verifier.verify(f.token).keyId().orElseThrow());
            assertEquals(RejectionReason.BAD_SIGNATURE, reason(verifier, f.badSignature));
            assertEquals(RejectionReason.UNKNOWN_KEY, reason(verifier, f.unknownKid));
            assertEquals(RejectionReason.MALFORMED, reason(verifier, f.malformed));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void everyPeerBenchmarkAcceptsTheToken(String algorithm) throws Exception {
        // Each set-up verifies the token once and throws if the library rejects it.
        FloorBenchmark floor = new FloorBenchmark();
        floor.algorithm = algorithm;
        floor.setup();
        assertTrue(floor.signatureOnly());
        assertEquals(BenchTokens.ISSUER, floor.signatureBase64Json().get("iss"));
        JjwtBenchmark jjwt = new JjwtBenchmark();
        jjwt.algorithm = algorithm;
        jjwt.setup();
        Jose4jBenchmark jose4j = new Jose4jBenchmark();
        jose4j.algorithm = algorithm;
        jose4j.setup();
        if (!algorithm.equals("EdDSA")) {
            NimbusBenchmark nimbus = new NimbusBenchmark();
            nimbus.algorithm = algorithm;
            nimbus.setup();
            Auth0Benchmark auth0 = new Auth0Benchmark();
            auth0.algorithm = algorithm;
            auth0.setup();
        }
    }

    private static RejectionReason reason(TokenVerifier verifier, String token) {
        return assertThrows(TokenRejectedException.class, () -> verifier.verify(token)).reason();
    }
}
