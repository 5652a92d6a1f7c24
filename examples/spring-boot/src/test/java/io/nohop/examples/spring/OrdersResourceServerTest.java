package io.nohop.examples.spring;

import io.nohop.core.TokenVerifier;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example as a user runs it: nohop's own key store and JWKS endpoint on 127.0.0.1, tokens from
 * nohop's TokenIssuer, and {@link OrdersResourceServer} started with its application.properties (the
 * key endpoint's address put in), driven by real HTTP requests.
 */
class OrdersResourceServerTest {
    private static final String ISSUER = "https://auth.example";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static JwksServer keyEndpoint;
    private static TokenIssuer issuer;
    private static ConfigurableApplicationContext service;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        char[] passphrase = "correct horse battery staple".toCharArray();
        SigningKeyStore store = SigningKeyStore.create(dir.resolve("store"), StoreConfig.builder().issuer(ISSUER).build(),
                passphrase, Clock.systemUTC());
        keyEndpoint = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StorePublication.of(store), new JwksServer.Settings());
        issuer = TokenIssuer.create(store, passphrase);
        service = start(URI.create(keyEndpoint.boundUrl() + JwksServer.JWKS_PATH));
        port = port(service);
        assertTrue(service.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        service.close();
        issuer.close();
        keyEndpoint.close();
    }

    private static ConfigurableApplicationContext start(URI jwksUri) {
        // Command-line arguments, as a user would start it: they override application.properties.
        return new SpringApplicationBuilder(OrdersResourceServer.class)
                .run("--nohop.jwks-uri=" + jwksUri, "--server.port=0", "--server.address=127.0.0.1");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static String token(String audience, List<String> scopes) throws Exception {
        return issuer.issue(TokenRequest.builder().subject("alice").audience(audience).claim("scope", scopes).build());
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tokenWithTheScope_200() throws Exception {
        HttpResponse<String> response = get(port, "/orders", token("orders", List.of("orders.read", "orders.write")));
        assertEquals(200, response.statusCode());
        assertEquals("orders of alice", response.body());
    }

    @Test
    void noToken_401() throws Exception {
        HttpResponse<String> response = get(port, "/orders", null);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void tokenForAnotherService_401InvalidTokenWithTheCode() throws Exception {
        String token = token("billing", List.of("orders.read"));
        HttpResponse<String> response = get(port, "/orders", token);
        assertEquals(401, response.statusCode());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer error=\"invalid_token\", error_description=\"audience_mismatch\""), challenge);
        assertFalse(response.body().contains(token));
    }

    @Test
    void tokenWithoutTheScope_403() throws Exception {
        HttpResponse<String> response = get(port, "/orders", token("orders", List.of("orders.write")));
        assertEquals(403, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow()
                .startsWith("Bearer error=\"insufficient_scope\""));
    }

    @Test
    void health_showsTheKeyState() throws Exception {
        HttpResponse<String> response = get(port, "/actuator/health", null);
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"nohop\":{\"status\":\"UP\",\"details\":{\"keys\":\"FRESH\""), response.body());
    }

    @Test
    void keysUnavailable_503WithRetryAfter_andHealthDown() throws Exception {
        // A key endpoint that accepts connections and never answers: the service never gets keys.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ConfigurableApplicationContext keyless = start(URI.create("http://127.0.0.1:" + silent.getLocalPort()
                     + JwksServer.JWKS_PATH))) {
            HttpResponse<String> response = get(port(keyless), "/orders", token("orders", List.of("orders.read")));
            assertEquals(503, response.statusCode());
            assertEquals("5", response.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("{\"error\":\"temporarily_unavailable\",\"reason\":\"keys_unavailable\"}", response.body());

            HttpResponse<String> health = get(port(keyless), "/actuator/health", null);
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("\"nohop\":{\"status\":\"DOWN\",\"details\":{\"keys\":\"DOWN\""), health.body());
        }
    }
}
