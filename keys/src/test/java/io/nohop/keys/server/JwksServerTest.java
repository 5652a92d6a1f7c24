package io.nohop.keys.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JwksServerTest {
    private static final String DOC = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"}]}";

    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<Object> next = new AtomicReference<>(
            new Publication(DOC, 1, Optional.of("a"), Optional.empty(), Optional.of("https://auth.example")));
    private JwksServer server;

    private JwksServer start(JwksServer.Settings settings) throws Exception {
        server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), now -> {
            Object n = next.get();
            if (n instanceof Exception) {
                throw (Exception) n;
            }
            return (Publication) n;
        }, settings);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.boundUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void jwks_get_servesDocumentWithStrongEtagAndCacheControl() throws Exception {
        start(new JwksServer.Settings().maxAge(java.time.Duration.ofSeconds(120)));
        HttpResponse<String> r = send("GET", JwksServer.JWKS_PATH);
        assertEquals(200, r.statusCode());
        assertEquals(DOC, r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.headers().firstValue("ETag").orElseThrow().matches("\"[A-Za-z0-9_-]{43}\""));
        assertEquals("public, max-age=120, stale-if-error=86400", r.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void jwks_matchingIfNoneMatch_answers304WithoutBody() throws Exception {
        start(new JwksServer.Settings());
        String etag = send("GET", JwksServer.JWKS_PATH).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> r = send("GET", JwksServer.JWKS_PATH, "If-None-Match", etag);
        assertEquals(304, r.statusCode());
        assertEquals("", r.body());
        assertEquals(etag, r.headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void jwks_staleIfNoneMatch_answersFullDocument() throws Exception {
        start(new JwksServer.Settings());
        HttpResponse<String> r = send("GET", JwksServer.JWKS_PATH, "If-None-Match", "\"old\"");
        assertEquals(200, r.statusCode());
        assertEquals(DOC, r.body());
    }

    @Test
    void jwks_head_answersHeadersWithoutBody() throws Exception {
        start(new JwksServer.Settings());
        HttpResponse<String> r = send("HEAD", JwksServer.JWKS_PATH);
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertTrue(r.headers().firstValue("ETag").isPresent());
    }

    @Test
    void unknownPath_anyMethod_answers404() throws Exception {
        start(new JwksServer.Settings());
        for (String method : new String[] {"GET", "HEAD", "POST", "DELETE", "PUT"}) {
            assertEquals(404, send(method, "/keys").statusCode(), method);
        }
    }

    @Test
    void knownPath_otherMethod_answers405WithAllow() throws Exception {
        start(new JwksServer.Settings());
        for (String path : new String[] {JwksServer.JWKS_PATH, JwksServer.HEALTH_PATH, JwksServer.OPENID_PATH}) {
            HttpResponse<String> r = send("POST", path);
            assertEquals(405, r.statusCode(), path);
            assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElseThrow());
        }
    }

    @Test
    void openidConfiguration_withIssuer_namesIssuerAndJwksUriFromPublicUrl() throws Exception {
        start(new JwksServer.Settings().publicUrl("https://keys.example/"));
        HttpResponse<String> r = send("GET", JwksServer.OPENID_PATH);
        assertEquals(200, r.statusCode());
        assertEquals("{\"issuer\":\"https://auth.example\",\"jwks_uri\":\"https://keys.example/.well-known/jwks.json\"}",
                r.body());
    }

    @Test
    void openidConfiguration_defaultPublicUrl_isTheBoundAddress() throws Exception {
        start(new JwksServer.Settings());
        String body = send("GET", JwksServer.OPENID_PATH).body();
        assertTrue(body.contains("\"jwks_uri\":\"" + server.boundUrl() + "/.well-known/jwks.json\""), body);
    }

    @Test
    void openidConfiguration_withoutIssuer_answers404() throws Exception {
        next.set(new Publication(DOC, 1, Optional.of("a"), Optional.empty(), Optional.empty()));
        start(new JwksServer.Settings());
        assertEquals(404, send("GET", JwksServer.OPENID_PATH).statusCode());
    }

    @Test
    void healthz_reportsKeysActiveKidAndNextTransition() throws Exception {
        next.set(new Publication(DOC, 1, Optional.of("a"), Optional.of(Instant.parse("2030-01-01T00:00:00Z")),
                Optional.empty()));
        start(new JwksServer.Settings());
        String body = send("GET", JwksServer.HEALTH_PATH).body();
        assertTrue(body.contains("\"status\":\"ok\""), body);
        assertTrue(body.contains("\"keys\":1"), body);
        assertTrue(body.contains("\"activeKid\":\"a\""), body);
        assertTrue(body.contains("\"nextTransition\":\"2030-01-01T00:00:00Z\""), body);
    }

    @Test
    void reload_sourceChanged_servesNewDocumentWithNewEtag() throws Exception {
        start(new JwksServer.Settings());
        String before = send("GET", JwksServer.JWKS_PATH).headers().firstValue("ETag").orElseThrow();
        next.set(new Publication("{\"keys\":[]}", 0, Optional.empty(), Optional.empty(), Optional.empty()));
        server.reload();
        HttpResponse<String> r = send("GET", JwksServer.JWKS_PATH, "If-None-Match", before);
        assertEquals(200, r.statusCode());
        assertEquals("{\"keys\":[]}", r.body());
    }

    @Test
    void reload_sourceFails_keepsServingLastGoodAndHealthSaysStale() throws Exception {
        start(new JwksServer.Settings());
        next.set(new IOException("disk unreadable"));
        server.reload();
        assertEquals(DOC, send("GET", JwksServer.JWKS_PATH).body());
        String health = send("GET", JwksServer.HEALTH_PATH).body();
        assertTrue(health.contains("\"status\":\"stale\""), health);
        // DESIGN: no internals in /healthz: a fixed code, never the exception's text (which may hold paths).
        assertTrue(health.contains("\"lastError\":\"store_unreadable\""), health);
        assertTrue(!health.contains("disk unreadable"), health);
    }

    /** What the reload told the {@link JwksServer.Settings#reloadProblems} sink, in order. */
    private final java.util.List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void startTelling() throws Exception {
        start(new JwksServer.Settings().reloadProblems(told::add));
    }

    /** What serve prints for its operators: each distinct failure once, and the recovery. */
    @Test
    void reload_sourceFailsTwiceThenRecovers_reloadProblemsToldOncePerFailureAndAtRecovery() throws Exception {
        startTelling();
        Object good = next.get();
        next.set(new IOException("keyset.jwt: not a regular file"));
        server.reload();
        server.reload();
        next.set(good);
        server.reload();
        assertEquals(java.util.List.of(
                "cannot read the keys; still serving the last good key set: keyset.jwt: not a regular file",
                "the keys can be read again; publishing what the store holds now"), told);
    }

    /** A failure one reload sees and the next does not (a command between its two writes) is not told. */
    @Test
    void reload_sourceFailsOnceThenAnswers_nothingTold() throws Exception {
        startTelling();
        Object good = next.get();
        next.set(new IOException("keyset.jwt still holds key k, revoked at ..."));
        server.reload();
        next.set(good);
        server.reload();
        assertEquals(java.util.List.of(), told);
    }

    /** The store's sentence whole (it names the file and the repair), up to 600 characters; control characters replaced. */
    @Test
    void reload_longFailureMessage_toldWholeUpTo600CharactersPrintable() throws Exception {
        startTelling();
        String sentence = "x".repeat(300) + "\n" + "y".repeat(200) + " run nohop rotate --if-due";
        next.set(new IOException(sentence));
        server.reload();
        server.reload();
        assertEquals(1, told.size(), told.toString());
        assertTrue(told.get(0).endsWith("x".repeat(300) + "?" + "y".repeat(200) + " run nohop rotate --if-due"), told.get(0));
        next.set(new IOException("z".repeat(700)));
        server.reload();
        server.reload();
        assertTrue(told.get(1).endsWith("z".repeat(600) + "..."), told.get(1));
    }

    @Test
    void reload_reloadProblemsSinkThrows_reloadGoesOn() throws Exception {
        start(new JwksServer.Settings().reloadProblems(line -> {
            throw new IllegalStateException("broken sink");
        }));
        next.set(new IOException("disk unreadable"));
        server.reload();
        server.reload();
        assertTrue(send("GET", JwksServer.HEALTH_PATH).body().contains("\"lastError\":\"store_unreadable\""));
    }

    @Test
    void start_sourceFailsFirstTime_refusesToStart() {
        next.set(new IOException("no store"));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> start(new JwksServer.Settings()));
        assertEquals("no store", e.getMessage());
    }

    @Test
    void ifNoneMatch_weakAndListForms_match() {
        assertTrue(JwksServer.matches(java.util.List.of("\"x\", W/\"abc\""), "\"abc\""));
        assertTrue(JwksServer.matches(java.util.List.of("*"), "\"abc\""));
    }
}
