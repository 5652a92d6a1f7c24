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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.nohop.spring.TestIssuer.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebFlux resource server with its own SecurityWebFilterChain (a scope rule) and nohop's
 * auto-configuration, driven by real HTTP requests on 127.0.0.1: 200, 401 with the code, 403 for a
 * missing scope, 503 with Retry-After when keys are unavailable, and health showing the key state.
 */
class ReactiveResourceServerTest {
    private static TestIssuer issuer;
    private static ConfigurableApplicationContext app;
    private static int port;
    /** An endpoint that accepts connections and never answers: the keyless application never gets keys. */
    private static ServerSocket silent;
    private static ConfigurableApplicationContext keyless;

    @BeforeAll
    static void start() throws Exception {
        issuer = new TestIssuer();
        app = start("nohop.jwks-uri=" + issuer.jwksUri());
        port = ServletResourceServerTest.port(app);
        // Started and stopped with the other one: Reactor Netty's shared resources end with the last context.
        silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        keyless = start("nohop.jwks-uri=http://127.0.0.1:" + silent.getLocalPort() + "/jwks");
        assertTrue(app.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() throws Exception {
        keyless.close();
        app.close();
        silent.close();
        issuer.close();
    }

    private static ConfigurableApplicationContext start(String jwksUriProperty) {
        return new SpringApplicationBuilder(OrdersApplication.class).web(WebApplicationType.REACTIVE)
                .properties(jwksUriProperty, "nohop.issuer=" + TestIssuer.ISSUER, "nohop.audience=" + TestIssuer.AUDIENCE,
                        "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "management.endpoint.health.show-details=always")
                .run();
    }

    @Test
    void tokenWithTheScope_200() throws Exception {
        HttpResponse<String> response = Http.get(port, "/orders", issuer.rs256(claims("scope", "[\"orders.read\",\"orders.write\"]")));
        assertEquals(200, response.statusCode());
        assertEquals("orders of alice", response.body());
    }

    @Test
    void tokenWithoutTheScope_403() throws Exception {
        HttpResponse<String> response = Http.get(port, "/orders", issuer.rs256(claims("scope", "[\"orders.write\"]")));
        assertEquals(403, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer error=\"insufficient_scope\""), challenge);
    }

    @Test
    void rejectedToken_401InvalidTokenWithTheCode() throws Exception {
        HttpResponse<String> response = Http.get(port, "/orders",
                issuer.rs256(claims("scope", "\"orders.read\"").replace("\"orders\"", "\"billing\"")));
        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer error=\"invalid_token\", error_description=\"audience_mismatch\""), challenge);
    }

    @Test
    void health_showsTheKeyState() throws Exception {
        HttpResponse<String> response = Http.get(port, "/actuator/health", null);
        assertEquals(200, response.statusCode());
        assertTrue(Http.nohopHealthIs(response.body(), "UP", "FRESH"), response.body());
    }

    @Test
    void keysUnavailable_503WithRetryAfterAndHealthDown() throws Exception {
        int keylessPort = ServletResourceServerTest.port(keyless);
        HttpResponse<String> response = Http.get(keylessPort, "/orders", issuer.rs256(claims("scope", "\"orders.read\"")));

        assertEquals(503, response.statusCode());
        assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("{\"error\":\"temporarily_unavailable\",\"reason\":\"keys_unavailable\"}", response.body());

        HttpResponse<String> health = Http.get(keylessPort, "/actuator/health", null);
        assertEquals(503, health.statusCode());
        assertTrue(Http.nohopHealthIs(health.body(), "DOWN", "DOWN"), health.body());
    }

    /** The application: one endpoint that needs the orders.read scope; health is public. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(OrdersController.class)
    static class OrdersApplication {
        @Bean
        SecurityWebFilterChain security(ServerHttpSecurity http) {
            return http
                    .authorizeExchange(exchanges -> exchanges
                            .pathMatchers("/actuator/health").permitAll()
                            .pathMatchers("/orders").hasAuthority("SCOPE_orders.read")
                            .anyExchange().authenticated())
                    .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()))
                    .build();
        }
    }

    @RestController
    static class OrdersController {
        @GetMapping("/orders")
        Mono<String> orders(@AuthenticationPrincipal Jwt jwt) {
            return Mono.just("orders of " + jwt.getSubject());
        }
    }
}
