package io.nohop.core.internal.refresh;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.nohop.core.internal.refresh.FaultyEndpoint.body;
import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryTest {
    private final RefreshFixture world = new RefreshFixture();

    @AfterEach
    void close() {
        world.close();
    }

    private void publishMetadata(String issuer, String jwksUri) {
        world.endpoint.answerMetadata(body(200, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri + "\"}"));
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
    }

    private RefreshingKeySource startDiscovering(String issuer) {
        RefreshingKeySource source = world.discovering(issuer);
        source.start();
        world.scheduler.runDue();
        return source;
    }

    @Test
    void theJwksUriComesFromTheIssuersMetadata() {
        String issuer = world.endpoint.issuer();
        publishMetadata(issuer, world.endpoint.jwksUri().toString());

        RefreshingKeySource source = startDiscovering(issuer);

        assertEquals(List.of("a"), List.copyOf(source.snapshot().kids()));
        assertEquals(Optional.of(world.endpoint.jwksUri()), source.health().jwksUri());
        assertEquals(1, world.endpoint.requests(FaultyEndpoint.METADATA_PATH).size());
    }

    @Test
    void metadataNamingAnotherIssuerIsRefused() {
        publishMetadata("https://evil.example", world.endpoint.jwksUri().toString());

        RefreshingKeySource source = startDiscovering(world.endpoint.issuer());

        assertTrue(source.snapshot().isEmpty());
        assertTrue(source.health().lastError().orElseThrow().contains("another issuer"));
        assertTrue(world.endpoint.requests(FaultyEndpoint.JWKS_PATH).isEmpty());
    }

    @Test
    void aFailedDiscoveryIsRetriedWithBackoff() {
        String issuer = world.endpoint.issuer();
        publishMetadata("https://evil.example", world.endpoint.jwksUri().toString());
        RefreshingKeySource source = startDiscovering(issuer);
        RecordingListener.Failure first = world.listener.failures().get(0);
        Expect.between(first.delay(), world.initialRetryDelay.dividedBy(2), world.initialRetryDelay);

        publishMetadata(issuer, world.endpoint.jwksUri().toString());
        world.scheduler.advanceTo(first.nextAttempt());

        assertEquals(List.of("a"), List.copyOf(source.snapshot().kids()));
    }

    @Test
    void oneTrailingSlashOfTheIssuerIsDroppedBeforeTheWellKnownPath() {
        String issuer = world.endpoint.issuer() + "/";
        publishMetadata(issuer, world.endpoint.jwksUri().toString());

        RefreshingKeySource source = startDiscovering(issuer);

        assertEquals(List.of("a"), List.copyOf(source.snapshot().kids()));
        assertEquals(URI.create("https://auth.example/.well-known/openid-configuration"),
                DiscoveryDocument.metadataUri("https://auth.example/"));
        assertEquals(URI.create("https://auth.example/t1/.well-known/openid-configuration"),
                DiscoveryDocument.metadataUri("https://auth.example/t1"));
    }

    @Test
    void aPlainHttpJwksUriToAnotherHostIsRefused() {
        String issuer = world.endpoint.issuer();
        publishMetadata(issuer, "http://keys.example/jwks.json");

        RefreshingKeySource source = startDiscovering(issuer);

        assertTrue(source.snapshot().isEmpty());
        assertTrue(source.health().lastError().orElseThrow().contains("not https"));
    }

    @Test
    void aDiscoveredJwksUriToANameThatOnlyStartsLikeLoopbackIsRefused() {
        String issuer = world.endpoint.issuer();
        publishMetadata(issuer, "http://127.evil.example/jwks.json");

        RefreshingKeySource source = startDiscovering(issuer);

        assertTrue(source.snapshot().isEmpty());
        assertTrue(source.health().lastError().orElseThrow().startsWith("bad_metadata: "),
                source.health().lastError().orElseThrow());
        assertEquals(io.nohop.core.RefreshFailure.BAD_METADATA, world.listener.failures().get(0).failure());
    }

    @Test
    void plainHttpIsRefusedExceptToLoopbackUnlessExplicitlyAllowed() {
        URI remote = URI.create("http://keys.example/jwks.json");
        KeyCache keyCache = world.keyCache();
        assertThrows(IllegalArgumentException.class, () -> keyCache.forJwksUri(remote, world.options()));
        assertThrows(IllegalArgumentException.class, () -> keyCache.discovering("http://auth.example", world.options()));

        world.unsafeAllowPlainHttp = true;
        keyCache.forJwksUri(remote, world.options()).close();
    }

    @Test
    void aDiscoveringSourceRestartsFromItsCacheFileWhileTheIssuerIsDown(@TempDir Path dir) {
        world.cacheFile = Optional.of(dir.resolve("keys.json"));
        String issuer = world.endpoint.issuer();
        publishMetadata(issuer, world.endpoint.jwksUri().toString());
        startDiscovering(issuer).close();
        world.endpoint.stop();

        RefreshingKeySource restarted = world.discovering(issuer);
        restarted.start();

        assertEquals(List.of("a"), List.copyOf(restarted.snapshot().kids()));
        world.scheduler.runDue();
        assertEquals(List.of("a"), List.copyOf(restarted.snapshot().kids()));
        assertTrue(restarted.health().lastError().orElseThrow().contains("discovery"));
    }

    @Test
    void aSlowDiscoveryDoesNotBlockStart() {
        world.fetchTimeout = Duration.ofMillis(400);
        world.endpoint.answerMetadata(FaultyEndpoint.hang());
        RefreshingKeySource source = world.discovering(world.endpoint.issuer());

        source.start();

        assertTrue(world.endpoint.requests().isEmpty(), "start() only schedules");
    }
}
