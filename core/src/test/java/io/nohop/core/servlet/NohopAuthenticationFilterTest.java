package io.nohop.core.servlet;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the filter through hand-made fakes of the Servlet interfaces: no container. */
class NohopAuthenticationFilterTest {
    private static final String ISSUER = "https://auth.example";

    private static RSAKey key;
    private static TokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        verifier = TokenVerifier.builder().jwks(new JWKSet(key.toPublicJWK()).toString())
                .issuer(ISSUER).audience("orders").build();
    }

    @AfterAll
    static void close() {
        verifier.close();
    }

    @Test
    void letsAnAcceptedTokenThroughWithTheVerifiedTokenAttached() throws Exception {
        FakeRequest request = new FakeRequest("Bearer " + token(key, "orders"));
        FakeResponse response = new FakeResponse();
        AtomicInteger passed = new AtomicInteger();

        new NohopAuthenticationFilter(verifier).doFilter(request.proxy(), response.proxy(), chain(passed));

        assertEquals(1, passed.get());
        VerifiedToken verified = assertInstanceOf(VerifiedToken.class,
                request.attributes.get(NohopAuthenticationFilter.VERIFIED_TOKEN));
        assertEquals("alice", verified.subject());
        assertNull(response.status, "the filter must not touch the response of a request it lets through");
    }

    @Test
    void theSchemeIsCaseInsensitive() throws Exception {
        FakeRequest request = new FakeRequest("bearer " + token(key, "orders"));
        AtomicInteger passed = new AtomicInteger();

        new NohopAuthenticationFilter(verifier).doFilter(request.proxy(), new FakeResponse().proxy(), chain(passed));

        assertEquals(1, passed.get());
    }

    @Test
    void answersABareChallengeWithoutABearerToken() throws Exception {
        for (String header : new String[] {null, "", "Bearer ", "Basic YWxpY2U6c2VjcmV0"}) {
            FakeResponse response = new FakeResponse();
            AtomicInteger passed = new AtomicInteger();

            new NohopAuthenticationFilter(verifier).doFilter(new FakeRequest(header).proxy(), response.proxy(), chain(passed));

            assertEquals(0, passed.get(), String.valueOf(header));
            assertEquals(401, response.status, String.valueOf(header));
            assertEquals("Bearer", response.headers.get("WWW-Authenticate"), String.valueOf(header));
        }
    }

    @Test
    void answers401InvalidTokenWithTheReasonCodeForARejectedToken() throws Exception {
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        Map<String, String> expected = Map.of(
                token(otherKey, "orders"), "bad_signature",
                token(key, "billing"), "audience_mismatch",
                "not-a-token", "malformed");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            FakeResponse response = new FakeResponse();
            AtomicInteger passed = new AtomicInteger();

            new NohopAuthenticationFilter(verifier).doFilter(new FakeRequest("Bearer " + e.getKey()).proxy(),
                    response.proxy(), chain(passed));

            assertEquals(0, passed.get());
            assertEquals(401, response.status);
            assertEquals("Bearer error=\"invalid_token\", error_description=\"" + e.getValue() + "\"",
                    response.headers.get("WWW-Authenticate"));
            assertTrue(response.body.toString().contains(e.getValue()), response.body.toString());
            assertFalse(response.body.toString().contains(e.getKey()), "the token must not be echoed");
        }
    }

    @Test
    void answers503WhenTheVerifierHasNoKeys() throws Exception {
        // An endpoint that accepts connections and never answers: the verifier has no keys yet.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TokenVerifier keyless = TokenVerifier.builder()
                     .jwksUri(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/.well-known/jwks.json"))
                     .issuer(ISSUER).audience("orders").build()) {
            FakeResponse response = new FakeResponse();
            AtomicInteger passed = new AtomicInteger();

            new NohopAuthenticationFilter(keyless).doFilter(new FakeRequest("Bearer " + token(key, "orders")).proxy(),
                    response.proxy(), chain(passed));

            assertEquals(0, passed.get());
            assertEquals(503, response.status);
            assertEquals("5", response.headers.get("Retry-After"));
            assertTrue(response.body.toString().contains("keys_unavailable"), response.body.toString());
        }
    }

    private static FilterChain chain(AtomicInteger passed) {
        return (request, response) -> passed.incrementAndGet();
    }

    private static String token(RSAKey signingKey, String audience) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience(audience).subject("alice")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(signingKey));
        return jwt.serialize();
    }

    /** An HttpServletRequest with one optional Authorization header and attributes; anything else fails loudly. */
    private static final class FakeRequest {
        final Map<String, Object> attributes = new HashMap<>();
        private final String authorization;

        FakeRequest(String authorization) {
            this.authorization = authorization;
        }

        HttpServletRequest proxy() {
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (self, method, args) -> switch (method.getName()) {
                        case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "getMethod" -> "GET";
                        case "toString" -> "FakeRequest";
                        default -> throw new UnsupportedOperationException("the filter called " + method.getName());
                    });
        }
    }

    /** An HttpServletResponse that records status, headers and body; anything else fails loudly. */
    private static final class FakeResponse {
        Integer status;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final StringWriter body = new StringWriter();
        private final PrintWriter writer = new PrintWriter(body, true);

        HttpServletResponse proxy() {
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (self, method, args) -> {
                        switch (method.getName()) {
                            case "setStatus" -> status = (Integer) args[0];
                            case "setHeader", "addHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                            case "setCharacterEncoding" -> headers.put("X-Character-Encoding", (String) args[0]);
                            case "getWriter" -> {
                                return writer;
                            }
                            case "isCommitted" -> {
                                return false;
                            }
                            case "toString" -> {
                                return "FakeResponse";
                            }
                            default -> throw new UnsupportedOperationException("the filter called " + method.getName());
                        }
                        return null;
                    });
        }
    }
}
