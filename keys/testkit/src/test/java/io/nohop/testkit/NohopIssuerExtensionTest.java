package io.nohop.testkit;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.core.VerifierHealth;
import io.nohop.keys.KeyRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.nohop.testkit.KitClients.eventually;
import static io.nohop.testkit.KitClients.get;
import static io.nohop.testkit.KitClients.refused;
import static io.nohop.testkit.KitClients.rejection;
import static io.nohop.testkit.KitClients.verifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each capability of the kit, seen from outside: through HTTP and through a real nohop verifier. */
class NohopIssuerExtensionTest {

    // An instance field: every test gets its own kit, so rotations and revocations do not leak.
    @RegisterExtension
    NohopIssuerExtension issuer = NohopIssuerExtension.builder().audience("orders").build();

    private TokenVerifier verifier() throws InterruptedException {
        return verifier(issuer.jwksUri());
    }

    private TokenVerifier verifier(URI jwksUri) throws InterruptedException {
        return KitClients.verifier(jwksUri, issuer.issuer(), "orders");
    }

    @Test
    void token_withScopesClaimsAndLifetime_verifiesWithEachAsAsked() throws Exception {
        TokenSpec spec = TokenSpec.forSubject("alice").withScopes("orders:read", "orders:write")
                .withClaim("tenant", "acme").withClaim("roles", List.of("admin", "clerk"))
                .withLifetime(Duration.ofMinutes(10));
        try (TokenVerifier verifier = verifier()) {
            VerifiedToken token = verifier.verify(issuer.token(spec));

            assertEquals("alice", token.subject());
            assertEquals(Optional.of(issuer.issuer()), token.issuer());
            assertEquals(List.of("orders"), token.audiences());
            assertEquals(Set.of("orders:read", "orders:write"), token.scopes());
            assertEquals(Optional.of("acme"), token.claim("tenant", String.class));
            assertEquals(Optional.of(List.of("admin", "clerk")), token.claim("roles", List.class));
            assertEquals(Duration.ofMinutes(10), Duration.between(token.issuedAt().orElseThrow(), token.expiresAt()));
            assertTrue(token.id().isPresent(), "jti");
        }
    }

    @Test
    void token_isSignedByTheStoresSigningKeyAsAnAccessToken() throws Exception {
        SignedJWT jwt = SignedJWT.parse(issuer.token("alice"));

        assertEquals(issuer.activeKid(), jwt.getHeader().getKeyID());
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertEquals("RS256", jwt.getHeader().getAlgorithm().getName());
    }

    @Test
    void token_withSeveralAudiences_carriesThemAll() throws Exception {
        try (TokenVerifier verifier = verifier()) {
            VerifiedToken token = verifier.verify(issuer.token(TokenSpec.forSubject("bob").withAudiences("orders", "billing")));

            assertEquals(List.of("orders", "billing"), token.audiences());
        }
    }

    @ParameterizedTest
    @EnumSource(TokenDefect.class)
    void defectiveToken_eachDefect_isRejectedWithItsExpectedReason(TokenDefect defect) throws Exception {
        try (TokenVerifier verifier = verifier()) {
            String token = issuer.defectiveToken(defect, TokenSpec.forSubject("mallory"));

            assertEquals(Optional.of(defect.expectedRejection().code()), rejection(verifier, token));
        }
    }

    @Test
    void defectiveToken_badSignature_keepsTheGenuineHeaderAndClaims() throws Exception {
        SignedJWT forged = SignedJWT.parse(issuer.defectiveToken(TokenDefect.BAD_SIGNATURE, TokenSpec.forSubject("eve")));

        assertEquals(issuer.activeKid(), forged.getHeader().getKeyID());
        assertEquals("eve", forged.getJWTClaimsSet().getSubject());
        assertEquals(issuer.issuer(), forged.getJWTClaimsSet().getIssuer());
    }

    @Test
    void issuer_byDefault_isTheEndpointsUrl_soDiscoveryFindsTheKeys() throws Exception {
        assertEquals(issuer.jwksUri().resolve("/").toString(), issuer.issuer() + "/");
        try (TokenVerifier verifier = TokenVerifier.builder().discoverIssuer(issuer.issuer()).audience("orders")
                .minRefreshInterval(Duration.ofMillis(100)).maxRefreshInterval(Duration.ofSeconds(1)).build()) {
            assertTrue(verifier.awaitKeys(KitClients.PATIENCE));

            assertEquals("carol", verifier.verify(issuer.token("carol")).subject());
        }
    }

    @Test
    void jwksUri_servesTheStoresKeysWithCachingHeaders_andAnswersAConditionalGetWith304() throws Exception {
        KitClients.Response first = get(issuer.jwksUri(), "", Duration.ofSeconds(5));
        String etag = first.header("ETag").orElseThrow();

        KitClients.Response second = get(issuer.jwksUri(), "If-None-Match: " + etag + "\r\n", Duration.ofSeconds(5));

        assertEquals(200, first.status());
        assertTrue(publishedKids().contains(issuer.activeKid()));
        assertEquals(Optional.of("public, max-age=1, stale-if-error=86400"), first.header("Cache-Control"));
        assertEquals(304, second.status());
        assertEquals("", second.body());
    }

    @Test
    void rotate_publishesTheNewKeyAtOnce_andItSignsOnlyAfterThePublishLead() throws Exception {
        String old = issuer.activeKid();
        Instant before = Instant.now();

        KeyRecord next = issuer.rotate();

        assertTrue(publishedKids().containsAll(Set.of(old, next.kid())));
        assertEquals(old, issuer.activeKid(), "the old key signs until the new one activates");
        assertTrue(next.activateAt().isAfter(before.plusSeconds(1)), "activates " + next.activateAt());
        assertFalse(next.activateAt().isAfter(Instant.now().plus(NohopIssuerExtension.DEFAULT_PUBLISH_LEAD)),
                "activates " + next.activateAt());
    }

    @Test
    void rotate_whileARotationIsPending_isRefusedAsInProduction() {
        issuer.rotate();

        IllegalStateException e = assertThrows(IllegalStateException.class, issuer::rotate);
        assertTrue(e.getMessage().startsWith("rotation refused"), e.getMessage());
    }

    @Test
    void rotate_withZeroLead_givesAKeyThatSignsAtOnce() throws Exception {
        KeyRecord next = issuer.rotate(Duration.ZERO);

        assertEquals(next.kid(), issuer.activeKid());
        assertEquals(next.kid(), SignedJWT.parse(issuer.token("dave")).getHeader().getKeyID());
    }

    @Test
    void revoke_unpublishesAtOnce_andAVerifierRejectsTheKeysTokensAfterItsNextRefresh() throws Exception {
        String old = issuer.activeKid();
        String oldToken = issuer.token("frank");
        try (TokenVerifier verifier = verifier()) {
            issuer.rotate(Duration.ZERO);
            assertEquals(Optional.empty(), rejection(verifier, oldToken));

            issuer.revoke(old);

            assertFalse(publishedKids().contains(old));
            assertTrue(eventually(KitClients.PATIENCE, () -> rejection(verifier, oldToken).isPresent()));
            assertEquals(Optional.of("unknown_key"), rejection(verifier, oldToken));
            assertEquals(Optional.empty(), rejection(verifier, issuer.token("frank")));
        }
    }

    @Test
    void revoke_theSigningKeyWithoutSuccessor_stopsSigningUntilTheNextRotation() {
        issuer.revoke(issuer.activeKid());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> issuer.token("grace"));
        assertTrue(e.getMessage().contains("rotate(Duration.ZERO)"), e.getMessage());
        issuer.rotate(Duration.ZERO);
        issuer.token("grace");
    }

    @Test
    void revoke_anUnknownKid_isRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> issuer.revoke("no-such-kid"));

        assertTrue(e.getMessage().contains("no-such-kid"), e.getMessage());
    }

    @Test
    void stopEndpoint_refusesConnections_andStartEndpointServesTheSameUriAgain() throws Exception {
        URI uri = issuer.jwksUri();

        issuer.stopEndpoint();
        boolean refusedWhileStopped = refused(uri);
        issuer.startEndpoint();

        assertTrue(refusedWhileStopped);
        assertEquals(uri, issuer.jwksUri());
        assertEquals(200, get(uri, "", Duration.ofSeconds(5)).status());
    }

    @Test
    void stopEndpoint_leavesAVerifierOnItsCachedKeys_andStartEndpointMakesItFreshAgain() throws Exception {
        try (TokenVerifier verifier = verifier()) {
            issuer.stopEndpoint();

            assertTrue(eventually(KitClients.PATIENCE, () -> verifier.health().status() == VerifierHealth.Status.STALE));
            assertEquals(Optional.empty(), rejection(verifier, issuer.token("heidi")), "accepted from cached keys");
            issuer.startEndpoint();
            assertTrue(eventually(KitClients.PATIENCE, () -> verifier.health().status() == VerifierHealth.Status.FRESH));
        }
    }

    @Test
    void slowEndpoint_holdsEachResponseBackByTheDelay_untilSetToZero() throws Exception {
        issuer.slowEndpoint(Duration.ofSeconds(30));

        assertThrows(SocketTimeoutException.class, () -> get(issuer.jwksUri(), "", Duration.ofMillis(500)));
        issuer.slowEndpoint(Duration.ZERO);
        assertEquals(200, get(issuer.jwksUri(), "", Duration.ofSeconds(5)).status());
    }

    @Test
    void slowEndpoint_beyondTheFetchTimeout_failsAVerifiersRefreshesWithTimeout() throws Exception {
        try (TokenVerifier verifier = verifier()) {
            issuer.slowEndpoint(Duration.ofSeconds(30));

            assertTrue(eventually(KitClients.PATIENCE, () -> verifier.health().sources().get(0).consecutiveFailures() > 0));
            // "timeout" as a failure code, or the text before codes ("timed out after 1000 ms").
            String lastError = verifier.health().sources().get(0).lastError().orElseThrow();
            assertTrue(lastError.contains("time"), lastError);
        }
    }

    @Test
    void slowEndpoint_negativeDelay_isRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> issuer.slowEndpoint(Duration.ofSeconds(-1)));

        assertTrue(e.getMessage().contains("PT-1S"), e.getMessage());
    }

    private Set<String> publishedKids() throws IOException {
        try {
            JWKSet set = JWKSet.parse(get(issuer.jwksUri(), "", Duration.ofSeconds(5)).body());
            return set.getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet());
        } catch (java.text.ParseException e) {
            throw new AssertionError("the endpoint served no JWKS", e);
        }
    }

}
