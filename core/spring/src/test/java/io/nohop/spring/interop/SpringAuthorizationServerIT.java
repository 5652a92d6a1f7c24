package io.nohop.spring.interop;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.core.VerifierListener;
import io.nohop.spring.interop.Decisions.Disagreement;
import io.nohop.spring.interop.Decisions.Stricter;
import io.nohop.spring.security.NohopJwtDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * nohop against a real OpenID Connect issuer: Spring Authorization Server 1.5 (Spring Boot 3.5) in this
 * JVM on 127.0.0.1, {@code client_credentials} tokens for several clients (see
 * {@link SpringAuthorizationServer}), RS256 and ES256, keys found by discovery and by direct JWKS URI,
 * a rotation on the issuer. Every token is decided by nohop and by Spring Security's own
 * {@code NimbusJwtDecoder} configured as Spring Boot configures it for the same issuer and audiences
 * ({@code JwtValidators.createDefaultWithIssuer} + Boot's audience validator); they must agree except
 * where {@link #DISAGREEMENTS} says why not. Accepted tokens must also give Spring the same {@code Jwt}
 * through {@link NohopJwtDecoder} as through Spring's decoder.
 */
class SpringAuthorizationServerIT {
    /** The resource server under test accepts these audiences. */
    private static final List<String> AUDIENCES = List.of("orders-client", "orders-api");

    /** Where nohop and Spring decide differently on purpose, each with the reason. */
    private static final Map<String, Disagreement> DISAGREEMENTS = Map.of(
            "discovery: typed-client (typ at+jwt)", new Disagreement(Stricter.SPRING,
                    "Spring Security 6.5's default type check (Nimbus' DefaultJOSEObjectTypeVerifier: typ JWT or none)"
                    + " refuses RFC 9068 access tokens; its Javadoc says to turn it off (validateType(false)) for at+jwt."
                    + " nohop checks typ only when told to (nohop.required-type / requiredType), and then it is the"
                    + " stricter one: see typAtJwt_requiredOnBothSides_agree. Open point for nohop-core: a default typ"
                    + " rule like Spring's (none, JWT, at+jwt) would refuse other JWT kinds (RFC 8725 section 3.11)."),
            "direct: typed-client (typ at+jwt)", new Disagreement(Stricter.SPRING,
                    "the same as by discovery"),
            "rotation: token of rsa-1 after rsa-1 was unpublished", new Disagreement(Stricter.NOHOP,
                    "nohop drops a key the issuer no longer publishes at its next refresh and rejects its tokens with"
                    + " unknown_key (revocation within one refresh); Spring's JWK cache keeps the key for its"
                    + " 5-minute lifetime and accepts them until then."));

    private static SpringAuthorizationServer server;
    private static final RSAKey RSA_1 = SpringAuthorizationServer.newRsaKey("rsa-1");
    private static final ECKey EC_1 = SpringAuthorizationServer.newEcKey("ec-1");

    @BeforeAll
    static void start() {
        server = new SpringAuthorizationServer(new SpringAuthorizationServer.Keys(RSA_1, EC_1));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static NimbusJwtDecoder springDecoder(NimbusJwtDecoder.JwkSetUriJwtDecoderBuilder builder) {
        // As Spring Boot 3.5 configures it from issuer-uri (or jwk-set-uri + issuer-uri) and audiences.
        NimbusJwtDecoder decoder = builder.build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(server.issuer),
                audiences()));
        return decoder;
    }

    /** Spring Boot's audience rule (OAuth2ResourceServerJwtConfiguration): aud holds one of the audiences. */
    private static OAuth2TokenValidator<Jwt> audiences() {
        return new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.stream().anyMatch(AUDIENCES::contains));
    }

    private static TokenVerifier.Builder nohop() {
        return TokenVerifier.builder().audience(AUDIENCES.toArray(String[]::new));
    }

    @Test
    void discovery_everyClientsToken_decidedAsSpringDecides() throws Exception {
        try (TokenVerifier verifier = nohop().discoverIssuer(server.issuer).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(20)));
            decideEveryClient("discovery", verifier, springDecoder(NimbusJwtDecoder.withIssuerLocation(server.issuer)));
        }
    }

    @Test
    void directJwksUri_everyClientsToken_decidedAsSpringDecides() throws Exception {
        try (TokenVerifier verifier = nohop().jwksUri(server.jwksUri()).issuer(server.issuer).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(20)));
            decideEveryClient("direct", verifier, springDecoder(NimbusJwtDecoder.withJwkSetUri(server.jwksUri().toString())
                    .jwsAlgorithm(SignatureAlgorithm.RS256).jwsAlgorithm(SignatureAlgorithm.ES256)));
        }
    }

    private static void decideEveryClient(String how, TokenVerifier verifier, NimbusJwtDecoder spring) throws Exception {
        Decisions decisions = new Decisions(DISAGREEMENTS);
        NohopJwtDecoder adapter = new NohopJwtDecoder(verifier);
        Map<String, String> expected = Map.of(
                "orders-client", "accepted",
                "multi-client", "accepted",
                "billing-client", "audience_mismatch",
                "typed-client", "accepted",
                "ec-client", "accepted");
        for (String client : SpringAuthorizationServer.CLIENTS) {
            String token = server.token(client);
            String what = how + ": " + client + (client.equals("typed-client") ? " (typ at+jwt)" : "");
            assertEquals(expected.get(client), decisions.compare(what, token, verifier, spring), what);
            if (expected.get(client).equals("accepted") && !DISAGREEMENTS.containsKey(what)) {
                Jwt theirs = spring.decode(token);
                Jwt ours = adapter.decode(token);
                assertEquals(theirs.getHeaders(), ours.getHeaders(), what);
                assertEquals(theirs.getClaims(), ours.getClaims(), what);
            }
        }
        String es256 = server.token("ec-client");
        assertEquals("ES256", verifier.verify(es256).algorithm());
        decideForgeries(how, decisions, verifier, spring, server.token("orders-client"));
        System.out.println(decisions.table());
    }

    /** Tokens made from a genuine one: both must refuse every one of them. */
    private static void decideForgeries(String how, Decisions decisions, TokenVerifier verifier, NimbusJwtDecoder spring,
                                        String genuine) {
        String[] parts = genuine.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String otherPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("\"orders-client\"", "\"orders-api\"").getBytes());
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        Map<String, String> forged = Map.of(
                how + ": signature of another token", parts[0] + "." + parts[1] + "." + server.tokenSignatureOf("multi-client"),
                how + ": payload changed after signing", parts[0] + "." + otherPayload + "." + parts[2],
                how + ": alg none, signature stripped", none + "." + parts[1] + ".",
                how + ": truncated", genuine.substring(0, genuine.length() - 10));
        forged.forEach((what, token) -> assertTrue(!decisions.compare(what, token, verifier, spring).equals("accepted"), what));
    }

    @Test
    void scopeArray_becomesScopesAndSpringAuthorities() throws Exception {
        try (TokenVerifier verifier = nohop().discoverIssuer(server.issuer).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(20)));
            String token = server.token("orders-client");
            VerifiedToken verified = verifier.verify(token);

            List<?> scope = verified.claim("scope", List.class).orElseThrow(); // a JSON array, in no set order
            assertEquals(Set.of("orders.read", "orders.write"), Set.copyOf(scope));
            assertEquals(Set.of("orders.read", "orders.write"), verified.scopes());
            Set<String> authorities = new JwtAuthenticationConverter().convert(new NohopJwtDecoder(verifier).decode(token))
                    .getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
            assertEquals(Set.of("SCOPE_orders.read", "SCOPE_orders.write"), authorities);
        }
    }

    @Test
    void typAtJwt_requiredOnBothSides_agree() throws Exception {
        OAuth2TokenValidator<Jwt> atJwt = new JwtTypeValidator("at+jwt");
        NimbusJwtDecoder spring = NimbusJwtDecoder.withIssuerLocation(server.issuer).validateType(false).build();
        spring.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(server.issuer),
                audiences(), atJwt));
        Decisions decisions = new Decisions(Map.of());
        try (TokenVerifier verifier = nohop().discoverIssuer(server.issuer).requiredType("at+jwt").build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(20)));
            assertEquals("accepted", decisions.compare("at+jwt required: typed-client", server.token("typed-client"), verifier, spring));
            assertEquals("wrong_type", decisions.compare("at+jwt required: orders-client (no typ)", server.token("orders-client"), verifier, spring));
        }
        System.out.println(decisions.table());
    }

    @Test
    void keyRotation_prePublishedKeyTakesOverWithoutARejection_unpublishedKeyBecomesUnknownKey() throws Exception {
        SpringAuthorizationServer.Keys keys = server.keys;
        KeyEvents events = new KeyEvents();
        NimbusJwtDecoder spring = springDecoder(NimbusJwtDecoder.withIssuerLocation(server.issuer));
        Decisions decisions = new Decisions(DISAGREEMENTS);
        // Spring Authorization Server's JWKS says no-cache (max-age 0): nohop refreshes every
        // minRefreshInterval, shrunk here from 30 s so that the test takes seconds.
        try (TokenVerifier verifier = nohop().discoverIssuer(server.issuer).minRefreshInterval(Duration.ofMillis(300))
                .listener(events).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(20)));
            String oldToken = server.token("orders-client");
            assertEquals("accepted", decisions.compare("rotation: token of rsa-1", oldToken, verifier, spring));

            RSAKey rsa2 = SpringAuthorizationServer.newRsaKey("rsa-2");
            keys.add(rsa2);
            events.await("added rsa-2");
            // Pre-published: every verifier holds rsa-2 before the first token it signs.
            keys.signRsaWith(rsa2);
            for (String client : List.of("orders-client", "multi-client", "typed-client")) {
                String token = server.token(client);
                assertTrue(token.startsWith(headerWithKid(token, "rsa-2")), "signed by rsa-2");
                assertEquals("accepted", Decisions.decide(verifier, token), "a token of the new key right after the switch");
            }
            assertEquals("accepted", decisions.compare("rotation: token of rsa-1 while still published", oldToken, verifier, spring));

            keys.publish(rsa2, EC_1);
            events.await("removed rsa-1");
            assertEquals("unknown_key", decisions.compare("rotation: token of rsa-1 after rsa-1 was unpublished",
                    oldToken, verifier, spring));
            assertEquals("accepted", decisions.compare("rotation: token of rsa-2 after rsa-1 was unpublished",
                    server.token("orders-client"), verifier, spring));
        } finally {
            keys.publish(RSA_1, EC_1);
            keys.signRsaWith(RSA_1);
        }
        System.out.println(decisions.table());
    }

    private static String headerWithKid(String token, String kid) {
        String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
        return header.contains("\"kid\":\"" + kid + "\"") ? token.substring(0, token.indexOf('.')) : "(kid is not " + kid + ")";
    }

    /** Key-set events as lines ("added KID", "removed KID"), awaited with a bounded deadline. */
    static final class KeyEvents implements VerifierListener {
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public void keysAdded(URI jwksUri, Set<String> kids) {
            kids.forEach(kid -> lines.add("added " + kid));
        }

        @Override
        public void keysRemoved(URI jwksUri, Set<String> kids) {
            kids.forEach(kid -> lines.add("removed " + kid));
        }

        void await(String line) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                String next = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line.equals(next)) {
                    return;
                }
            }
            fail("no key-set event '" + line + "' within 20 s");
        }
    }
}
