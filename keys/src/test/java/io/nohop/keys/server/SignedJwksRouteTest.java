package io.nohop.keys.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /.well-known/jwks.jwt}: the signed key set beside the plain JWKS, with the same caching rules. */
class SignedJwksRouteTest {
    private static final String DOC = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"}]}";
    private static final String JWT = "eyJ0eXAiOiJqd2stc2V0K2p3dCJ9.eyJrZXlzIjpbXX0.c2ln";

    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<Publication> next = new AtomicReference<>(new Publication(DOC, 1, Optional.of("a"),
            Optional.empty(), Optional.of("https://auth.example"), Optional.of(JWT)));
    private JwksServer server;

    private void start() throws Exception {
        server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), now -> next.get(),
                new JwksServer.Settings().maxAge(Duration.ofSeconds(120)).publicUrl("https://keys.example/"));
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
    void signedJwks_get_servesTheCompactJwsAsJwkSetJwtWithStrongEtagAndCacheControl() throws Exception {
        start();
        HttpResponse<String> r = send("GET", JwksServer.SIGNED_JWKS_PATH);
        assertEquals(200, r.statusCode());
        assertEquals(JWT, r.body());
        assertEquals("application/jwk-set+jwt", r.headers().firstValue("Content-Type").orElseThrow());
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), etag);
        assertEquals("public, max-age=120, stale-if-error=86400", r.headers().firstValue("Cache-Control").orElseThrow());
        assertNotEquals(send("GET", JwksServer.JWKS_PATH).headers().firstValue("ETag").orElseThrow(), etag);
    }

    @Test
    void signedJwks_matchingIfNoneMatch_answers304WithoutBody() throws Exception {
        start();
        String etag = send("GET", JwksServer.SIGNED_JWKS_PATH).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> r = send("GET", JwksServer.SIGNED_JWKS_PATH, "If-None-Match", etag);
        assertEquals(304, r.statusCode());
        assertEquals("", r.body());
        assertEquals(etag, r.headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void signedJwks_head_answersHeadersWithoutBody() throws Exception {
        start();
        HttpResponse<String> r = send("HEAD", JwksServer.SIGNED_JWKS_PATH);
        assertEquals(200, r.statusCode());
        assertEquals("", r.body());
        assertEquals("application/jwk-set+jwt", r.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void signedJwks_otherMethod_answers405() throws Exception {
        start();
        assertEquals(405, send("POST", JwksServer.SIGNED_JWKS_PATH).statusCode());
    }

    @Test
    void signedJwks_publicationWithoutSignedSet_answers404() throws Exception {
        next.set(new Publication(DOC, 1, Optional.of("a"), Optional.empty(), Optional.of("https://auth.example")));
        start();
        assertEquals(404, send("GET", JwksServer.SIGNED_JWKS_PATH).statusCode());
        assertTrue(!JSONObjectUtils.parse(send("GET", JwksServer.OPENID_PATH).body()).containsKey("signed_jwks_uri"));
    }

    @Test
    void openidConfiguration_withSignedSet_namesSignedJwksUri() throws Exception {
        start();
        var meta = JSONObjectUtils.parse(send("GET", JwksServer.OPENID_PATH).body());
        assertEquals("https://keys.example/.well-known/jwks.jwt", meta.get("signed_jwks_uri"));
        assertEquals("https://keys.example/.well-known/jwks.json", meta.get("jwks_uri"));
    }
}
