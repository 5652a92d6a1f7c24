package io.nohop.spring.security;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenVerifier;
import io.nohop.spring.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.nohop.spring.TestIssuer.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Servlet decoder against Spring's own {@link NimbusJwtDecoder} on the same keys, issuer and audience. */
class NohopJwtDecoderTest {
    private static TestIssuer issuer;
    private static TokenVerifier verifier;
    private static NohopJwtDecoder nohop;
    private static NimbusJwtDecoder spring;

    @BeforeAll
    static void start() throws InterruptedException {
        issuer = new TestIssuer();
        verifier = TokenVerifier.builder().jwksUri(issuer.jwksUri()).issuer(TestIssuer.ISSUER)
                .audience(TestIssuer.AUDIENCE).build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
        nohop = new NohopJwtDecoder(verifier);
        spring = NimbusJwtDecoder.withJwkSetUri(issuer.jwksUri().toString())
                .jwsAlgorithm(SignatureAlgorithm.RS256).jwsAlgorithm(SignatureAlgorithm.ES256).build();
        spring.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(TestIssuer.ISSUER),
                new JwtAudienceValidator(TestIssuer.AUDIENCE)));
    }

    @AfterAll
    static void stop() {
        verifier.close();
        issuer.close();
    }

    @Test
    void decode_acceptedToken_hasTheHeadersAndClaimsSpringsDecoderGives() {
        List<String> tokens = List.of(
                issuer.rs256(claims()),
                issuer.es256(claims("scope", "[\"orders.read\",\"orders.write\"]")),
                issuer.rs256(claims("scp", "\"a b\"", "jti", "\"id-1\"", "nbf", Long.toString(Instant.now().getEpochSecond() - 5))),
                issuer.rs256(claims("n", "42", "d", "1.5", "big", "12345678901234567890", "b", "true",
                        "nested", "{\"l\":[1,2.5,\"x\",{\"k\":false}],\"o\":{}}", "aud2", "[\"x\"]")),
                issuer.rs256(claims().replace("\"aud\":\"orders\"", "\"aud\":[\"billing\",\"orders\"]")),
                issuer.rs256(claims().replace(",\"iat\":", ",\"ignored\":")));
        for (String token : tokens) {
            Jwt expected = spring.decode(token);
            Jwt actual = nohop.decode(token);
            assertEquals(expected.getHeaders(), actual.getHeaders(), token);
            assertEquals(expected.getClaims(), actual.getClaims(), token);
            assertEquals(expected.getIssuedAt(), actual.getIssuedAt(), "Spring sets iat = exp - 1 s when absent");
            assertEquals(token, actual.getTokenValue());
        }
    }

    @Test
    void decode_jsonNullClaim_isANullValuedClaimAsInSpring() {
        String token = issuer.rs256(claims("z", "null"));
        Jwt expected = spring.decode(token);
        Jwt actual = nohop.decode(token);
        assertEquals(expected.getClaims(), actual.getClaims());
        assertEquals(expected.hasClaim("z"), actual.hasClaim("z"));
    }

    @Test
    void decode_jsonNullInsideAnObject_isLeftOutWhereSpringKeepsANull() {
        // The one documented difference: VerifiedToken's views hold no null members.
        String token = issuer.rs256(claims("o", "{\"k\":null,\"v\":1}"));
        assertEquals(Map.of("v", 1L), nohop.decode(token).getClaims().get("o"));
        Map<String, Object> springObject = new LinkedHashMap<>();
        springObject.put("k", null);
        springObject.put("v", 1L);
        assertEquals(springObject, spring.decode(token).getClaims().get("o"));
    }

    @Test
    void decode_typAtJwt_isKeptInTheHeaders() {
        Jwt jwt = nohop.decode(issuer.rs256(claims(), "at+jwt"));
        assertEquals("at+jwt", jwt.getHeaders().get("typ"));
    }

    @Test
    void scopeArrayOrString_becomeScopeAuthoritiesThroughSpringsConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        for (String scope : List.of("[\"orders.read\",\"orders.write\"]", "\"orders.read orders.write\"")) {
            Set<String> authorities = converter.convert(nohop.decode(issuer.rs256(claims("scope", scope))))
                    .getAuthorities().stream().map(GrantedAuthority::getAuthority)
                    .filter(a -> a.startsWith("SCOPE_")) // Spring Security 7 adds FACTOR_BEARER
                    .collect(Collectors.toSet());
            assertEquals(Set.of("SCOPE_orders.read", "SCOPE_orders.write"), authorities, scope);
        }
    }

    @Test
    void decode_rejectedToken_throwsBadJwtWithInvalidTokenAndTheCode() {
        long past = Instant.now().getEpochSecond() - 3600;
        String expired = issuer.rs256(claims().replaceFirst("\"exp\":\\d+", "\"exp\":" + past)
                .replaceFirst("\"iat\":\\d+", "\"iat\":" + (past - 60)));
        Map<String, RejectionReason> tokens = Map.of(
                expired, RejectionReason.EXPIRED,
                issuer.rs256(claims().replace("\"orders\"", "\"billing\"")), RejectionReason.AUDIENCE_MISMATCH,
                "not.a.token", RejectionReason.MALFORMED);
        tokens.forEach((token, reason) -> {
            TokenRejectedJwtException e = assertThrows(TokenRejectedJwtException.class, () -> nohop.decode(token));
            assertInstanceOf(BadJwtException.class, e);
            assertEquals(reason, e.reason());
            assertEquals(reason.code(), e.getMessage());
            OAuth2Error error = e.getErrors().iterator().next();
            assertEquals(OAuth2ErrorCodes.INVALID_TOKEN, error.getErrorCode());
            assertEquals(reason.code(), error.getDescription());
            assertThrows(BadJwtException.class, () -> spring.decode(token), "Spring rejects it too");
        });
    }

    @Test
    void decode_keysUnavailable_throwsKeysUnavailableWhichIsNoBadJwt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TokenVerifier keyless = TokenVerifier.builder()
                     .jwksUri(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/jwks.json"))
                     .issuer(TestIssuer.ISSUER).audience(TestIssuer.AUDIENCE).build()) {
            NohopJwtDecoder decoder = new NohopJwtDecoder(keyless, MappedJwtClaimSetConverter.withDefaults(Map.of()),
                    jwt -> OAuth2TokenValidatorResult.success(), Duration.ofSeconds(7));

            JwtException e = assertThrows(JwtException.class, () -> decoder.decode(issuer.rs256(claims())));

            KeysUnavailableJwtException unavailable = assertInstanceOf(KeysUnavailableJwtException.class, e);
            assertEquals("keys_unavailable", unavailable.getMessage());
            assertEquals(Duration.ofSeconds(7), unavailable.retryAfter());
            assertEquals(unavailable, KeysUnavailableJwtException.findIn(new RuntimeException(new RuntimeException(e))).orElseThrow());
        }
    }

    @Test
    void decode_extraValidatorRefuses_throwsSpringsValidationExceptionWithItsErrors() {
        OAuth2Error tenant = new OAuth2Error("invalid_token", "wrong tenant", null);
        NohopJwtDecoder decoder = new NohopJwtDecoder(verifier, MappedJwtClaimSetConverter.withDefaults(Map.of()),
                jwt -> OAuth2TokenValidatorResult.failure(tenant), Duration.ofSeconds(5));

        JwtValidationException e = assertThrows(JwtValidationException.class, () -> decoder.decode(issuer.rs256(claims())));

        assertEquals("wrong tenant", e.getMessage());
        assertEquals(List.of(tenant), List.copyOf(e.getErrors()));
    }

    @Test
    void constructor_retryAfterUnderOneSecond_refusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NohopJwtDecoder(verifier,
                MappedJwtClaimSetConverter.withDefaults(Map.of()), jwt -> OAuth2TokenValidatorResult.success(),
                Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("PT0.5S"), e.getMessage());
    }
}
