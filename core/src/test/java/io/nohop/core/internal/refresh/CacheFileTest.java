package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static io.nohop.core.internal.refresh.FaultyEndpoint.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheFileTest {
    @TempDir
    Path dir;
    private Path file;
    private final RefreshFixture world = new RefreshFixture();

    @BeforeEach
    void persistToAFile() {
        file = dir.resolve("keys.json");
        world.cacheFile = Optional.of(file);
        world.endpoint.answerKeys(document(TestKeys.jwks("a", "b")));
    }

    @AfterEach
    void close() {
        world.close();
    }

    private CachedKeySet readFile() throws Exception {
        return java.util.Objects.requireNonNull(new KeySetFile(file, world.maxBodyBytes).read()
                .get(world.endpoint.jwksUri()));
    }

    @Test
    void everyAcceptedKeySetIsWrittenAtomicallyWithItsMetadata() throws Exception {
        world.started();

        CachedKeySet cached = readFile();
        assertEquals(world.endpoint.jwksUri(), cached.source());
        assertEquals(world.endpoint.jwksUri(), cached.jwksUri());
        assertEquals(RefreshFixture.START, cached.confirmedAt());
        assertTrue(cached.revalidation().etag().isPresent());
        assertArrayEquals(TestKeys.jwks("a", "b").getBytes(StandardCharsets.UTF_8), cached.document());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aRestartDuringAnOutageServesTheCachedKeysAtOnce() throws InterruptedException {
        world.started().close();
        world.clock.advance(Duration.ofHours(1));
        world.endpoint.stop();

        RefreshingKeySource restarted = world.source();
        restarted.start();

        assertEquals(List.of("a", "b"), List.copyOf(restarted.snapshot().kids()));
        assertEquals(RefreshFixture.START.plus(world.maxStaleness), restarted.snapshot().usableUntil());
        assertTrue(restarted.awaitFirstKeys(Duration.ZERO));
        assertEquals(Status.STALE, restarted.health().status());

        world.scheduler.runDue();
        assertEquals(1, restarted.health().consecutiveFailures());
        assertEquals(List.of("a", "b"), List.copyOf(restarted.snapshot().kids()));
    }

    @Test
    void restart_plainJwks_firstFetchIsUnconditional() {
        world.started().close();
        world.clock.advance(Duration.ofMinutes(1));

        RefreshingKeySource restarted = world.source();
        restarted.start();
        world.scheduler.runDue();

        FaultyEndpoint.Request first = world.endpoint.requests().get(1);
        assertEquals(Optional.empty(), first.ifNoneMatch(), "the file's validators are not sent back");
        assertEquals(Optional.empty(), first.ifModifiedSince());
        assertEquals(200, first.status());
        assertEquals(Status.FRESH, restarted.health().status());
    }

    @Test
    void restart_plainJwks_laterFetchesRevalidate() throws Exception {
        world.started().close();
        RefreshingKeySource restarted = world.source();
        restarted.start();
        world.scheduler.runDue();

        world.scheduler.advanceTo(restarted.health().nextRefresh().orElseThrow());

        FaultyEndpoint.Request second = world.endpoint.requests().get(2);
        assertEquals(304, second.status());
        assertEquals(world.now(), readFile().confirmedAt(), "a 304 is persisted as a new confirmation");
    }

    /**
     * Issue 10, hole 1: an attacker writes the cache file with their own keys and the endpoint's current
     * ETag (anyone can GET it). Sent back, that ETag got a 304 that confirmed the attacker's keys, again and
     * again, and the file was rewritten with a fresh confirmation. Now the first fetch after a restore is
     * unconditional: the attacker's keys last one fetch at most.
     */
    @Test
    void restart_attackerKeysWithThePublicEtagInTheFile_goneAfterTheFirstFetch() throws Exception {
        world.started().close();
        String publicEtag = readFile().revalidation().etag().orElseThrow();
        URI uri = world.endpoint.jwksUri();
        new KeySetFile(file, world.maxBodyBytes).write(List.of(CachedKeySet.jwks(uri, uri, world.now(),
                Duration.ofMinutes(5), new RevalidationHeaders(Optional.of(publicEtag), Optional.empty()),
                TestKeys.jwks("mallory").getBytes(StandardCharsets.UTF_8))));
        world.clock.advance(Duration.ofSeconds(9));

        RefreshingKeySource restarted = world.source();
        restarted.start();
        assertEquals(List.of("mallory"), List.copyOf(restarted.snapshot().kids()), "served until the first fetch");
        world.scheduler.runDue();

        assertEquals(List.of("a", "b"), List.copyOf(restarted.snapshot().kids()));
        assertArrayEquals(TestKeys.jwks("a", "b").getBytes(StandardCharsets.UTF_8), readFile().document());
        world.scheduler.advanceTo(restarted.health().nextRefresh().orElseThrow());
        assertEquals(List.of("a", "b"), List.copyOf(restarted.snapshot().kids()));
    }

    @Test
    void aCorruptFileIsIgnored() throws IOException {
        Files.writeString(file, "{\"format\":\"nohop-keyset-cache/1\",\"document\":");
        assertIgnored();
    }

    // A FIFO blocks whoever opens it for reading until someone writes (the verifier's build() used to hang
    // there); a link to /dev/zero reports size 0 and never ends. Both are ignored at once, like a corrupt file.
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aFifoIsIgnoredWithoutBlocking() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        assertIgnored();
    }

    /**
     * Whatever is at the path that is not a regular file stays as it is: the atomic rename of a write would replace a
     * FIFO (or, as root, a device such as /dev/urandom) with a file of JSON. The keys stay in memory.
     */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aFifoAtThePathIsNotReplacedByAWrite() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
        assertEquals(0, mkfifo.waitFor());

        RefreshingKeySource source = world.started();

        assertEquals(List.of("a", "b"), List.copyOf(source.snapshot().kids()));
        assertTrue(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther(), "still a FIFO");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aLinkToAnEndlessDeviceIsIgnoredWithoutReadingIt() throws IOException {
        Files.createSymbolicLink(file, Path.of("/dev/zero"));
        assertIgnored();
    }

    @Test
    void aFileThatIsNotAKeySetCacheIsIgnored() throws IOException {
        Files.writeString(file, TestKeys.jwks("a"));
        assertIgnored();
    }

    @Test
    void aFileWrittenForAnotherSourceIsIgnored() throws IOException {
        URI elsewhere = URI.create("https://elsewhere.example/jwks.json");
        new KeySetFile(file, world.maxBodyBytes).write(List.of(CachedKeySet.jwks(elsewhere, elsewhere, world.now(),
                Duration.ofMinutes(5), RevalidationHeaders.NONE, TestKeys.jwks("x").getBytes(StandardCharsets.UTF_8))));
        assertIgnored();
    }

    @Test
    void aFileOlderThanTheStalenessBoundIsIgnored() throws IOException {
        writeFile(world.now().minus(world.maxStaleness), TestKeys.jwks("x"));
        assertIgnored();
    }

    @Test
    void aFileConfirmedInTheFutureIsIgnored() throws IOException {
        writeFile(world.now().plusSeconds(1), TestKeys.jwks("x"));
        assertIgnored();
    }

    @Test
    void aFileWhoseKeySetIsUnusableIsIgnored() throws IOException {
        writeFile(world.now(), TestKeys.NO_USABLE_KEY);
        assertIgnored();
    }

    @Test
    void aFileThatCannotBeWrittenIsNotFatal() throws IOException {
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        world.cacheFile = Optional.of(notADirectory.resolve("keys.json"));

        RefreshingKeySource source = world.started();

        assertEquals(List.of("a", "b"), List.copyOf(source.snapshot().kids()));
        assertEquals(Status.FRESH, source.health().status());
    }

    @Test
    void aFileInTheEarlierSingleSourceFormatIsRestored() throws IOException {
        URI uri = world.endpoint.jwksUri();
        Files.writeString(file, "{\"format\":\"nohop-keyset-cache/1\",\"source\":\"" + uri + "\",\"jwksUri\":\""
                + uri + "\",\"confirmedAt\":\"" + world.now() + "\",\"lifetime\":\"PT5M\",\"document\":\""
                + Base64.getEncoder().encodeToString(TestKeys.jwks("x").getBytes(StandardCharsets.UTF_8)) + "\"}\n");
        world.endpoint.stop();

        RefreshingKeySource source = world.source();
        source.start();

        assertEquals(List.of("x"), List.copyOf(source.snapshot().kids()));
    }

    @Test
    void storingOneSourcesEntryKeepsTheOtherSourcesEntries() throws Exception {
        URI elsewhere = URI.create("https://elsewhere.example/jwks.json");
        CachedKeySet other = CachedKeySet.jwks(elsewhere, elsewhere, world.now(), Duration.ofMinutes(5),
                RevalidationHeaders.NONE, TestKeys.jwks("x").getBytes(StandardCharsets.UTF_8));
        new KeySetFile(file, world.maxBodyBytes).write(List.of(other));

        world.started();

        Map<URI, CachedKeySet> entries = new KeySetFile(file, world.maxBodyBytes).read();
        assertEquals(Set.of(elsewhere, world.endpoint.jwksUri()), entries.keySet());
        assertArrayEquals(other.document(), entries.get(elsewhere).document());
    }

    @Test
    void anotherSourcesEntryPastTheStalenessBoundIsDroppedWhenAnEntryIsStored() throws Exception {
        URI elsewhere = URI.create("https://elsewhere.example/jwks.json");
        new KeySetFile(file, world.maxBodyBytes).write(List.of(CachedKeySet.jwks(elsewhere, elsewhere,
                world.now().minus(world.maxStaleness), Duration.ofMinutes(5), RevalidationHeaders.NONE,
                TestKeys.jwks("x").getBytes(StandardCharsets.UTF_8))));

        world.started();

        assertEquals(Set.of(world.endpoint.jwksUri()), new KeySetFile(file, world.maxBodyBytes).read().keySet());
    }

    @Test
    void anEntryHoldingASignedKeySetIsIgnoredByASourceThatPinsNoRoot() throws IOException {
        URI uri = world.endpoint.jwksUri();
        new KeySetFile(file, world.maxBodyBytes).write(List.of(new CachedKeySet(uri, uri, world.now(),
                Duration.ofMinutes(5), RevalidationHeaders.NONE, "application/jwk-set+jwt", Optional.empty(),
                TestKeys.jwks("x").getBytes(StandardCharsets.UTF_8))));
        assertIgnored();
    }

    @Test
    void anEntryKeepsItsMediaTypeAndNewestIssuedAtThroughTheFile() throws Exception {
        URI uri = world.endpoint.jwksUri();
        CachedKeySet signed = new CachedKeySet(uri, uri, world.now(), Duration.ofMinutes(5),
                new RevalidationHeaders(Optional.of("\"e1\""), Optional.empty()), "application/jwk-set+jwt",
                Optional.of(world.now().minusSeconds(60)), "eyJ.e30.sig".getBytes(StandardCharsets.US_ASCII));
        new KeySetFile(file, world.maxBodyBytes).write(List.of(signed));

        CachedKeySet read = readFile();

        assertEquals(List.of(signed.mediaType(), signed.newestIssuedAt(), signed.revalidation(), signed.confirmedAt()),
                List.of(read.mediaType(), read.newestIssuedAt(), read.revalidation(), read.confirmedAt()));
        assertArrayEquals(signed.document(), read.document());
    }

    private void writeFile(Instant confirmedAt, String jwks) throws IOException {
        URI uri = world.endpoint.jwksUri();
        new KeySetFile(file, world.maxBodyBytes).write(List.of(CachedKeySet.jwks(uri, uri, confirmedAt,
                Duration.ofMinutes(5), RevalidationHeaders.NONE, jwks.getBytes(StandardCharsets.UTF_8))));
    }

    /** The file is not used, start() does not fail, and the endpoint's keys are fetched as usual. */
    private void assertIgnored() {
        RefreshingKeySource source = world.source();
        source.start();
        assertTrue(source.snapshot().isEmpty());
        assertEquals(Status.DOWN, source.health().status());

        world.scheduler.runDue();
        assertEquals(List.of("a", "b"), List.copyOf(source.snapshot().kids()));
        assertFalse(world.endpoint.requests().isEmpty());
    }
}
