package io.nohop.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The verified-result cache is an optimisation only: for any sequence of verifications (of valid,
 * expiring, not-yet-valid and tampered tokens) and clock steps, a verifier with the cache gives the
 * same outcome, call by call, as one without it.
 */
class ResultCachePropertyTest {
    /** A clock the property moves; both verifiers read the same one. */
    private static final class SteppedClock extends Clock {
        private volatile Instant now = Tokens.NOW;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    // Signed once: RSA signing costs about a millisecond, and the property only needs a handful.
    private static final List<String> TOKENS = List.of(
            Tokens.rs256(Tokens.claims()),
            Tokens.rs256(Tokens.claims().num("exp", Tokens.NOW_S + 30)),
            Tokens.rs256(Tokens.claims().num("nbf", Tokens.NOW_S + 120)),
            Tokens.rs256(Tokens.claims().without("iat").num("exp", Tokens.NOW_S + 90)),
            Tokens.valid("ES256"));

    /** One step: verify token {@code token} (tampered at {@code flip} when it is not negative), then move the clock. */
    record Step(int token, int flip, int advanceSeconds) { }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, TOKENS.size() - 1),
                Arbitraries.integers().between(-3, 400),
                Arbitraries.integers().between(0, 90)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(25);
    }

    private static String outcome(TokenVerifier verifier, String token) {
        try {
            return "accepted " + verifier.verify(token).expiresAt();
        } catch (TokenRejectedException e) {
            return e.reason().code();
        }
    }

    private static String tamper(String token, int at) {
        if (at < 0 || at >= token.length()) {
            return token;
        }
        char c = token.charAt(at);
        return token.substring(0, at) + (c == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }

    @Property(tries = 60)
    void cache_neverChangesAnOutcome(@ForAll("steps") List<Step> steps) {
        SteppedClock clock = new SteppedClock();
        try (TokenVerifier plain = CryptoUnderTest.configure(TokenVerifier.builder()).jwks(Tokens.JWKS).issuer(Tokens.ISSUER)
                .audience(Tokens.AUDIENCE).clock(clock).build();
             TokenVerifier cached = CryptoUnderTest.configure(TokenVerifier.builder()).jwks(Tokens.JWKS).issuer(Tokens.ISSUER)
                .audience(Tokens.AUDIENCE).clock(clock).resultCache(16).build()) {
            for (Step s : steps) {
                String token = tamper(TOKENS.get(s.token()), s.flip());
                assertEquals(outcome(plain, token), outcome(cached, token), "at " + clock.instant() + ": " + s);
                clock.now = clock.now.plusSeconds(s.advanceSeconds());
            }
        }
    }
}
