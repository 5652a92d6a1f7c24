package io.nohop.testkit.internal;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.testkit.TokenDefect;
import io.nohop.testkit.TokenSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit's own signing (the published test-only key and the forger) works for every store algorithm. */
class RunningIssuerTest {

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void everyAlgorithm_genuineAccepted_andEachDefectRejectedWithItsReason(SigningAlgorithm algorithm) throws Exception {
        try (RunningIssuer kit = RunningIssuer.start(new RunningIssuer.Settings(algorithm, Optional.empty(), "orders",
                Duration.ofSeconds(1), Duration.ofSeconds(3), Clock.systemUTC()));
             TokenVerifier verifier = TokenVerifier.builder().jwksUri(kit.jwksUri()).issuer(kit.issuer())
                     .audience("orders").requiredType("at+jwt").algorithms(algorithm.jwsName())
                     .fetchTimeout(Duration.ofSeconds(5)).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(30)));
            TokenSpec spec = TokenSpec.forSubject("alice");

            assertEquals(algorithm.jwsName(), verifier.verify(kit.token(spec)).algorithm());
            for (TokenDefect defect : TokenDefect.values()) {
                assertEquals(defect.expectedRejection().code(), code(verifier, kit.defectiveToken(defect, spec)),
                        algorithm + " " + defect);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void startingAStore_leavesTheWorkFactorPropertyAsItWas() throws Exception {
        try (RunningIssuer kit = RunningIssuer.start(new RunningIssuer.Settings(SigningAlgorithm.ES256, Optional.of("https://auth.example"),
                "orders", Duration.ofSeconds(1), Duration.ofSeconds(3), Clock.systemUTC()))) {
            assertEquals("https://auth.example", kit.issuer());
        }

        assertNull(System.getProperty(RunningIssuer.TEST_ONLY_ITERATIONS_PROPERTY));
    }

    @org.junit.jupiter.api.Test
    void aClockFromOutside_setsTheTokensTimes_andAVerifierOnThatClockAcceptsThem() throws Exception {
        Instant then = Instant.parse("2030-01-02T03:04:05Z");
        Clock clock = Clock.fixed(then, ZoneOffset.UTC);
        try (RunningIssuer kit = RunningIssuer.start(new RunningIssuer.Settings(SigningAlgorithm.RS256, Optional.empty(),
                "orders", Duration.ofSeconds(1), Duration.ofSeconds(3), clock));
             TokenVerifier verifier = TokenVerifier.builder().jwksUri(kit.jwksUri()).issuer(kit.issuer()).audience("orders")
                     .clock(clock).fetchTimeout(Duration.ofSeconds(5)).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(30)));

            VerifiedToken token = verifier.verify(kit.token(TokenSpec.forSubject("alice")));

            assertEquals(Optional.of(then), token.issuedAt());
            assertEquals("expired", code(verifier, kit.defectiveToken(TokenDefect.EXPIRED, TokenSpec.forSubject("alice"))));
        }
    }

    private static String code(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return "accepted";
        } catch (TokenRejectedException e) {
            return e.reason().code();
        }
    }
}
