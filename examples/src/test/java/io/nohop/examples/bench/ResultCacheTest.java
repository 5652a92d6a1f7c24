package io.nohop.examples.bench;

import io.nohop.core.testing.MutableClock;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The verified-result cache, through the public API only: a hit is a shortcut past parsing and the
 * signature, never past the clock, the user's predicates or a change of key set; and nothing it holds
 * can make a rejected token pass.
 */
class ResultCacheTest {
    private static final String ALG = "RS256";
    private static final Instant ISSUED = Instant.ofEpochSecond(BenchTokens.ISSUED_AT);

    @Test
    void aHitIsTheSameVerifiedToken() throws TokenRejectedException {
        BenchTokens.Fixture f = BenchTokens.fixture(ALG);
        try (TokenVerifier verifier = NohopVerifiers.forFixture(f, 100)) {
            VerifiedToken first = verifier.verify(f.token);
            assertSame(first, verifier.verify(f.token), "the second verification is a cache hit");
        }
    }

    @Test
    void aHitStillChecksExpiryAgainstTheClock() throws TokenRejectedException {
        BenchTokens.Fixture f = BenchTokens.fixture(ALG);
        MutableClock clock = new MutableClock(ISSUED.plusSeconds(60));
        try (TokenVerifier verifier = fixedKeys(f, clock).resultCache(100).build()) {
            VerifiedToken first = verifier.verify(f.token);
            clock.advance(Duration.ofSeconds(BenchTokens.LIFETIME - 60 + 59));
            assertSame(first, verifier.verify(f.token), "within exp + skew: still a hit");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(RejectionReason.EXPIRED, reason(verifier, f.token), "at exp + skew: expired");
            assertEquals(RejectionReason.EXPIRED, reason(verifier, f.token), "and stays expired");
        }
    }

    @Test
    void aHitStillAppliesThePredicates() throws TokenRejectedException {
        BenchTokens.Fixture f = BenchTokens.fixture(ALG);
        Set<String> revokedIds = ConcurrentHashMap.newKeySet();
        try (TokenVerifier verifier = fixedKeys(f, BenchTokens.clock())
                .require("jti not revoked", t -> !revokedIds.contains(t.id().orElse("")))
                .resultCache(100).build()) {
            VerifiedToken accepted = verifier.verify(f.token);
            revokedIds.add(accepted.id().orElseThrow());
            assertEquals(RejectionReason.INVALID_CLAIM, reason(verifier, f.token));
        }
    }

    @Test
    void rejectionsAreNeverCachedAsAcceptances() throws TokenRejectedException {
        BenchTokens.Fixture f = BenchTokens.fixture(ALG);
        try (TokenVerifier verifier = NohopVerifiers.forFixture(f, 100)) {
            verifier.verify(f.token);
            for (int i = 0; i < 3; i++) {
                assertEquals(RejectionReason.BAD_SIGNATURE, reason(verifier, f.badSignature),
                        "same claims as a cached token, signed by another key");
                assertEquals(RejectionReason.UNKNOWN_KEY, reason(verifier, f.unknownKid));
                assertEquals(RejectionReason.MALFORMED, reason(verifier, f.malformed));
            }
        }
    }

    @Test
    void anyOtherStringThanACachedTokenTakesTheFullPath() throws TokenRejectedException {
        BenchTokens.Fixture f = BenchTokens.fixture(ALG);
        try (TokenVerifier verifier = NohopVerifiers.forFixture(f, 100)) {
            verifier.verify(f.token);
            char[] chars = f.token.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                char original = chars[i];
                chars[i] = original == 'A' ? 'B' : 'A';
                String altered = new String(chars);
                chars[i] = original;
                if (!altered.equals(f.token)) {
                    int at = i;
                    assertThrows(TokenRejectedException.class, () -> verifier.verify(altered),
                            () -> "changed at " + at);
                }
            }
            assertThrows(TokenRejectedException.class, () -> verifier.verify(f.token + " "));
            assertThrows(TokenRejectedException.class, () -> verifier.verify(" " + f.token));
        }
    }

    @Test
    void aTokenRejectedBeforeItsTimeIsNotRememberedAsValidLater() throws Exception {
        KeyPair keys = BenchTokens.newKeyPair(ALG);
        String jwks = "{\"keys\":[" + BenchTokens.jwk(ALG, "k1", keys.getPublic()) + "]}";
        long nbf = BenchTokens.ISSUED_AT + 300;
        String notYet = BenchTokens.sign(ALG, "k1", keys.getPrivate(), "{\"iss\":\"" + BenchTokens.ISSUER
                + "\",\"aud\":\"" + BenchTokens.AUDIENCE + "\",\"iat\":" + BenchTokens.ISSUED_AT + ",\"nbf\":" + nbf
                + ",\"exp\":" + (nbf + 600) + "}");
        MutableClock clock = new MutableClock(ISSUED);
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(jwks).issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE).clock(clock).resultCache(100).build()) {
            assertEquals(RejectionReason.NOT_YET_VALID, reason(verifier, notYet));
            clock.advance(Duration.ofSeconds(300 - 60));
            VerifiedToken accepted = verifier.verify(notYet);
            clock.advance(Duration.ofSeconds(600 + 60 + 60));
            assertEquals(RejectionReason.EXPIRED, reason(verifier, notYet), "the accepted result ends at exp");
            assertEquals(Instant.ofEpochSecond(nbf + 600), accepted.expiresAt());
        }
    }

    private static TokenVerifier.Builder fixedKeys(BenchTokens.Fixture f, java.time.Clock clock) {
        return TokenVerifier.builder().jwks(f.jwks).issuer(BenchTokens.ISSUER).audience(BenchTokens.AUDIENCE)
                .requiredType(BenchTokens.TYPE).clock(clock);
    }

    static RejectionReason reason(TokenVerifier verifier, String token) {
        return assertThrows(TokenRejectedException.class, () -> verifier.verify(token)).reason();
    }

    static String claims(long issuedAt, long expiresAt) {
        return "{\"iss\":\"" + BenchTokens.ISSUER + "\",\"sub\":\"alice\",\"aud\":\"" + BenchTokens.AUDIENCE
                + "\",\"iat\":" + issuedAt + ",\"exp\":" + expiresAt + "}";
    }

    static KeyPair rsaKeys() throws GeneralSecurityException {
        return BenchTokens.newKeyPair(ALG);
    }
}
