package io.nohop.spring.web;

import io.nohop.core.TokenVerifier;
import io.nohop.spring.TestIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static io.nohop.spring.TestIssuer.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "One dependency and three properties": a Spring Boot Servlet resource server with Boot's default
 * security (no SecurityFilterChain of its own) and only {@code nohop.jwks-uri}, {@code nohop.issuer} and
 * {@code nohop.audience} set, driven by real HTTP requests on 127.0.0.1.
 */
class ServletResourceServerTest {
    private static TestIssuer issuer;
    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() throws InterruptedException {
        issuer = new TestIssuer();
        app = start("nohop.jwks-uri=" + issuer.jwksUri());
        port = port(app);
        assertTrue(app.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        app.close();
        issuer.close();
    }

    static ConfigurableApplicationContext start(String jwksUriProperty) {
        return new SpringApplicationBuilder(OrdersApplication.class).web(WebApplicationType.SERVLET)
                .properties(jwksUriProperty, "nohop.issuer=" + TestIssuer.ISSUER, "nohop.audience=" + TestIssuer.AUDIENCE,
                        "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "management.endpoint.health.show-details=always")
                .run();
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void acceptedToken_200() throws Exception {
        HttpResponse<String> response = Http.get(port, "/orders", issuer.es256(claims("scope", "[\"orders.read\"]")));
        assertEquals(200, response.statusCode());
        assertEquals("orders of alice", response.body());
    }

    @Test
    void noToken_401WithABareBearerChallenge() throws Exception {
        HttpResponse<String> response = Http.get(port, "/orders", null);
        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        // Spring Security 7 adds resource_metadata (RFC 9728); never an error code without a token.
        assertTrue(challenge.equals("Bearer") || challenge.startsWith("Bearer resource_metadata="), challenge);
    }

    @Test
    void rejectedToken_401InvalidTokenWithTheCode() throws Exception {
        long past = Instant.now().getEpochSecond() - 3600;
        String expired = issuer.rs256(claims().replaceFirst("\"exp\":\\d+", "\"exp\":" + past)
                .replaceFirst("\"iat\":\\d+", "\"iat\":" + (past - 60)));
        HttpResponse<String> response = Http.get(port, "/orders", expired);
        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer error=\"invalid_token\", error_description=\"expired\""), challenge);
        assertFalse(response.body().contains(expired), "the token must not be echoed");
    }

    @Test
    void health_showsTheKeyState() throws Exception {
        HttpResponse<String> response = Http.get(port, "/actuator/health", issuer.rs256(claims()));
        assertEquals(200, response.statusCode());
        assertTrue(Http.nohopHealthIs(response.body(), "UP", "FRESH"), response.body());
    }

    @Test
    void keysUnavailable_503WithRetryAfter() throws Exception {
        // An endpoint that accepts connections and never answers: the verifier never gets keys.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ConfigurableApplicationContext keyless = start("nohop.jwks-uri=http://127.0.0.1:" + silent.getLocalPort() + "/jwks")) {
            HttpResponse<String> response = Http.get(port(keyless), "/orders", issuer.rs256(claims()));

            assertEquals(503, response.statusCode());
            assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("{\"error\":\"temporarily_unavailable\",\"reason\":\"keys_unavailable\"}", response.body());
        }
    }

    /** The application: one endpoint, Boot's default security, nohop's auto-configuration. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(OrdersController.class)
    static class OrdersApplication {
    }

    @RestController
    static class OrdersController {
        @GetMapping("/orders")
        String orders(@AuthenticationPrincipal Jwt jwt) {
            return "orders of " + jwt.getSubject();
        }
    }
}
