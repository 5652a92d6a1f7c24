package io.nohop.keys.server;

import io.nohop.core.testing.MutableClock;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.KeyState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin listener's contract: /status and /metrics there, never on the public listener. */
class AdminListenerTest {
    private static final String DOC_A = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"}]}";
    private static final String DOC_AB = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"},{\"kty\":\"EC\",\"kid\":\"b\"}]}";
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicReference<Publication> next = new AtomicReference<>(new Publication(DOC_A, 1, Optional.of("a"),
            Optional.empty(), Optional.empty(),
            List.of(new PublishedKey("a", KeyState.ACTIVE, Instant.parse("2029-12-31T23:00:00Z")))));
    private JwksServer server;

    private JwksServer start(JwksServer.Settings settings) throws Exception {
        server = JwksServer.start(LOOPBACK_ANY_PORT, now -> next.get(), settings.clock(clock));
        return server;
    }

    private JwksServer startWithAdmin() throws Exception {
        return start(new JwksServer.Settings().adminAddress(LOOPBACK_ANY_PORT).publishLead(Duration.ofHours(24)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String poll(String instance, String... ifNoneMatch) throws Exception {
        HttpResponse<String> r = ifNoneMatch.length == 0
                ? get(server.boundUrl() + JwksServer.JWKS_PATH, "Nohop-Instance", instance)
                : get(server.boundUrl() + JwksServer.JWKS_PATH, "Nohop-Instance", instance, "If-None-Match", ifNoneMatch[0]);
        return r.headers().firstValue("ETag").orElseThrow();
    }

    private Map<String, Object> status() throws Exception {
        HttpResponse<String> r = get(server.adminUrl().orElseThrow() + JwksServer.STATUS_PATH);
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        return JSONObjectUtils.parse(r.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> in, String name) {
        return (Map<String, Object>) in.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> array(Map<String, Object> in, String name) {
        return (List<Map<String, Object>>) in.get(name);
    }

    private static long number(Map<String, Object> in, String name) {
        return ((Number) in.get(name)).longValue();
    }

    @Test
    void adminListener_offByDefault() throws Exception {
        start(new JwksServer.Settings());
        assertEquals(Optional.empty(), server.adminUrl());
        assertEquals(Optional.empty(), server.adminAddress());
    }

    @Test
    void publicListener_neverServesStatusOrMetrics() throws Exception {
        startWithAdmin();
        for (String path : new String[] {JwksServer.STATUS_PATH, JwksServer.METRICS_PATH}) {
            assertEquals(404, get(server.boundUrl() + path).statusCode(), path);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(server.boundUrl() + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, post.statusCode(), path);
        }
    }

    @Test
    void adminListener_doesNotServeThePublicDocuments() throws Exception {
        startWithAdmin();
        assertEquals(404, get(server.adminUrl().orElseThrow() + JwksServer.JWKS_PATH).statusCode());
        assertEquals(404, get(server.adminUrl().orElseThrow() + JwksServer.HEALTH_PATH).statusCode());
    }

    @Test
    void adminListener_otherMethod_405WithAllow() throws Exception {
        startWithAdmin();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.adminUrl().orElseThrow()
                + JwksServer.STATUS_PATH)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void status_afterARotation_tellsWhoHoldsTheCurrentSet() throws Exception {
        startWithAdmin();
        String first = poll("orders-7f9c");
        poll("billing-1");
        clock.advance(Duration.ofMinutes(5));
        next.set(new Publication(DOC_AB, 2, Optional.of("a"), Optional.empty(), Optional.empty(),
                List.of(new PublishedKey("a", KeyState.ACTIVE, Instant.parse("2029-12-31T23:00:00Z")),
                        new PublishedKey("b", KeyState.PENDING, clock.instant()))));
        server.reload();
        clock.advance(Duration.ofMinutes(1));
        poll("billing-1", first);
        clock.advance(Duration.ofMinutes(1));

        Map<String, Object> status = status();
        Map<String, Object> summary = object(status, "summary");
        assertEquals(2, number(summary, "instancesSeen"));
        assertEquals(1, number(summary, "onCurrentSet"));
        assertEquals(1, number(summary, "onPreviousSet"));
        assertEquals(1, number(summary, "notPolledSinceChange"));
        assertEquals("orders-7f9c", object(summary, "slowest").get("instance"));

        List<Map<String, Object>> keys = array(object(status, "publication"), "keys");
        assertEquals(List.of("a", "b"), keys.stream().map(k -> k.get("kid")).toList());
        assertEquals("PENDING", keys.get(1).get("state"));
        assertEquals(2, number(keys.get(0), "heldBy"));
        assertEquals(1, number(keys.get(1), "heldBy"));
        assertEquals("orders-7f9c", object(keys.get(1), "slowest").get("instance"));

        Map<String, Object> billing = array(status, "instances").get(1);
        assertEquals("billing-1", billing.get("instance"));
        assertEquals("previous", billing.get("presented"));
        assertEquals(true, billing.get("holdsCurrent"));
        assertEquals(360.0, ((Number) billing.get("pollIntervalSeconds")).doubleValue());
    }

    @Test
    void status_instancesOutsideTheFreshnessWindow_notSeen() throws Exception {
        start(new JwksServer.Settings().adminAddress(LOOPBACK_ANY_PORT).freshnessWindow(Duration.ofMinutes(10)));
        poll("early");
        clock.advance(Duration.ofMinutes(11));
        poll("late");
        Map<String, Object> summary = object(status(), "summary");
        assertEquals(1, number(summary, "instancesSeen"));
        assertEquals(2, number(summary, "instancesInTable"));
    }

    @Test
    void status_tableBound_holdsTheConfiguredNumberOfInstances() throws Exception {
        start(new JwksServer.Settings().adminAddress(LOOPBACK_ANY_PORT).instanceTableSize(3));
        for (int i = 0; i < 5; i++) {
            poll("svc-" + i);
        }
        Map<String, Object> status = status();
        assertEquals(3, number(object(status, "summary"), "instancesInTable"));
        assertEquals(List.of("svc-2", "svc-3", "svc-4"),
                array(status, "instances").stream().map(i -> i.get("instance")).toList());
    }

    @Test
    void status_withoutInstanceHeader_keyedByAddressAndUserAgent() throws Exception {
        startWithAdmin();
        get(server.boundUrl() + JwksServer.JWKS_PATH, "User-Agent", "other-jwks-client/2");
        Map<String, Object> instance = array(status(), "instances").get(0);
        assertEquals("127.0.0.1 other-jwks-client/2", instance.get("instance"));
        assertEquals(false, instance.get("named"));
    }

    @Test
    void status_hostileInstanceName_cappedAndPrintable() throws Exception {
        startWithAdmin();
        String hostile = "\"},\u00e9\u00ff<script>" + "x".repeat(500); // obs-text bytes; controls are refused (400)
        try (Socket s = new Socket()) {
            s.connect(server.address(), 5000);
            s.getOutputStream().write(("GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\nNohop-Instance: "
                    + hostile + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200 "));
        }
        String name = (String) array(status(), "instances").get(0).get("instance");
        assertEquals(64, name.length());
        assertTrue(name.startsWith("\"},??<script>xx"), name);
    }

    @Test
    void status_headRequests_notCountedAsPolls() throws Exception {
        startWithAdmin();
        client.send(HttpRequest.newBuilder(URI.create(server.boundUrl() + JwksServer.JWKS_PATH))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Nohop-Instance", "probe").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(0, number(object(status(), "summary"), "instancesInTable"));
        assertNull(object(status(), "summary").get("slowest"));
    }

    @Test
    void metrics_prometheusText_withTheContractNames() throws Exception {
        startWithAdmin();
        String etag = poll("orders-7f9c");
        poll("orders-7f9c", etag);
        get(server.boundUrl() + "/nope");
        clock.advance(Duration.ofSeconds(90));
        HttpResponse<String> r = get(server.adminUrl().orElseThrow() + JwksServer.METRICS_PATH);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        String text = r.body();
        for (String line : new String[] {
            "nohop_endpoint_requests_total{path=\"/.well-known/jwks.json\",status=\"200\"} 1.0",
            "nohop_endpoint_requests_total{path=\"/.well-known/jwks.json\",status=\"304\"} 1.0",
            "nohop_endpoint_requests_total{path=\"other\",status=\"404\"} 1.0",
            "nohop_endpoint_pollers{set=\"current\"} 1.0",
            "nohop_endpoint_pollers{set=\"previous\"} 0.0",
            "nohop_endpoint_pollers{set=\"older\"} 0.0",
            "nohop_endpoint_instances 1.0",
            "nohop_endpoint_publication_age_seconds 90.0",
            "nohop_endpoint_publish_lead_seconds 86400.0",
            "nohop_endpoint_max_age_seconds 300.0"}) {
            assertTrue(text.lines().anyMatch(line::equals), line + " missing from\n" + text);
        }
        assertFalse(text.contains("/metrics"), "admin requests are not counted as endpoint requests");
    }
}
