package io.nohop.testkit;

import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.testkit.internal.RunningIssuer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a spec says, the token the kit makes from it verifies and says exactly that. */
class TokenRoundTripPropertyTest {
    private static RunningIssuer kit;
    private static TokenVerifier verifier;

    @BeforeContainer
    static void start() throws Exception {
        kit = RunningIssuer.start(new RunningIssuer.Settings(SigningAlgorithm.RS256, Optional.empty(), "orders",
                Duration.ofSeconds(1), Duration.ofSeconds(3), Clock.systemUTC()));
        verifier = TokenVerifier.builder().jwksUri(kit.jwksUri()).issuer(kit.issuer()).allowAnyAudience()
                .fetchTimeout(Duration.ofSeconds(5)).build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(30)));
    }

    @AfterContainer
    static void stop() {
        verifier.close();
        kit.close();
    }

    @Property(tries = 200)
    void anySpec_verifies_andCarriesItsSubjectAudiencesScopesClaimsAndLifetime(
            @ForAll("texts") String subject, @ForAll("audienceLists") List<String> audiences,
            @ForAll("scopeLists") List<String> scopes, @ForAll("claimMaps") Map<String, String> claims,
            @ForAll("lifetimes") Duration lifetime) throws Exception {
        TokenSpec spec = TokenSpec.forSubject(subject).withLifetime(lifetime);
        if (!audiences.isEmpty()) {
            spec = spec.withAudiences(audiences.toArray(String[]::new));
        }
        spec = spec.withScopes(scopes.toArray(String[]::new));
        for (Map.Entry<String, String> claim : claims.entrySet()) {
            spec = spec.withClaim(claim.getKey(), claim.getValue());
        }

        VerifiedToken token = verifier.verify(kit.token(spec));

        assertEquals(subject, token.subject());
        assertEquals(audiences.isEmpty() ? List.of("orders") : audiences, token.audiences());
        assertEquals(Set.copyOf(scopes), token.scopes());
        for (Map.Entry<String, String> claim : claims.entrySet()) {
            assertEquals(Optional.of(claim.getValue()), token.claim(claim.getKey(), String.class));
        }
        assertEquals(lifetime, Duration.between(token.issuedAt().orElseThrow(), token.expiresAt()));
    }

    @Provide
    Arbitrary<String> texts() {
        // Any text a claim can carry, including quotes, backslashes, controls and non-ASCII.
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(40).filter(s -> !s.isBlank());
    }

    @Provide
    Arbitrary<List<String>> audienceLists() {
        return texts().list().ofMaxSize(3).uniqueElements();
    }

    @Provide
    Arbitrary<List<String>> scopeLists() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(20).list().ofMaxSize(4).uniqueElements();
    }

    @Provide
    Arbitrary<Map<String, String>> claimMaps() {
        Arbitrary<String> names = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                .filter(n -> !TokenSpec.RESERVED_CLAIMS.contains(n) && !n.equals("scp"));
        return Arbitraries.maps(names, texts()).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Duration> lifetimes() {
        return Arbitraries.longs().between(1, TokenSpec.MAX_LIFETIME.toSeconds()).map(Duration::ofSeconds);
    }
}
