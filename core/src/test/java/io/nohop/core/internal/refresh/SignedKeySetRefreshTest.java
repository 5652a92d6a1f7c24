package io.nohop.core.internal.refresh;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.core.RefreshFailure;
import io.nohop.core.VerifierHealth.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.nohop.core.internal.refresh.FaultyEndpoint.body;
import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static io.nohop.core.internal.refresh.FaultyEndpoint.documentWithMaxAge;
import static io.nohop.core.internal.refresh.SignedSets.ATTACKER_ROOT;
import static io.nohop.core.internal.refresh.SignedSets.ROOT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key source that pins roots, against a real loopback endpoint serving crafted signed key sets, with
 * a fake clock and scheduler: what it accepts, what it refuses (a failed refresh with its code; the
 * last good keys stay), the held set's exp, rollback, and the cache file holding the signed document.
 */
class SignedKeySetRefreshTest {
    private static final JWK A = TestKeys.key("a", 0);
    private static final JWK B = TestKeys.key("b", 1);
    private static final JWK MALLORY = TestKeys.key("mallory", 2);

    @TempDir
    Path dir;

    private final RefreshFixture world = new RefreshFixture();
    private final SignedKeySetVerifier pinned = SignedSets.verifier(Optional.empty(), ROOT);

    @AfterEach
    void close() {
        world.close();
    }

    private static String set(Instant issuedAt, JWK... keys) {
        return SignedSets.set(ROOT, issuedAt, Optional.empty(), keys);
    }

    private void serve(String document) {
        world.endpoint.answerKeys(document(document));
    }

    private RefreshingKeySource started() {
        return world.started(world.signedSource(pinned));
    }

    private void nextFetch(RefreshingKeySource source) {
        world.scheduler.advanceTo(source.health().nextRefresh().orElseThrow());
    }

    private static List<String> kids(RefreshingKeySource source) {
        return List.copyOf(source.snapshot().kids());
    }

    private Path persistToAFile() {
        Path file = dir.resolve("keys.json");
        world.cacheFile = Optional.of(file);
        return file;
    }

    private CachedKeySet entry(Path file) throws Exception {
        return new KeySetFile(file, world.maxBodyBytes).read().get(world.endpoint.jwksUri());
    }

    @Test
    void signedSetUnderAPinnedRoot_servedAndAskedForAsJwkSetJwt() {
        serve(set(world.now(), A, B));

        RefreshingKeySource source = started();

        assertEquals(List.of("a", "b"), kids(source));
        assertEquals(Status.FRESH, source.health().status());
        assertEquals(Optional.of(SignedKeySetVerifier.MEDIA_TYPE), world.endpoint.requests().get(0).accept());
    }

    static Stream<Arguments> refusedDocuments() {
        Function<Instant, String> flipped = now -> SignedSets.flipSignatureByte(set(now, A, MALLORY));
        Function<Instant, String> attackerRoot = now -> SignedSets.set(ATTACKER_ROOT, now, Optional.empty(), A, MALLORY);
        Function<Instant, String> unsigned = now -> TestKeys.jwks(A, MALLORY);
        Function<Instant, String> noTyp = now -> SignedSets.sign(ROOT,
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ROOT.getKeyID()).build(),
                SignedSets.claims(now, Optional.empty(), A, MALLORY).build());
        Function<Instant, String> otherTyp = now -> SignedSets.sign(ROOT,
                SignedSets.header(ROOT).type(JOSEObjectType.JWT).build(),
                SignedSets.claims(now, Optional.empty(), A, MALLORY).build());
        Function<Instant, String> pastExp = now -> SignedSets.sign(ROOT, SignedSets.header(ROOT).build(),
                SignedSets.claims(now.minus(Duration.ofDays(8)), Optional.empty(), A, MALLORY)
                        .expirationTime(Date.from(now.minusSeconds(1))).build());
        Function<Instant, String> older = now -> set(now.minus(Duration.ofMinutes(2)), A, MALLORY);
        return Stream.of(
                Arguments.of("flipped signature byte", flipped, RefreshFailure.BAD_SIGNATURE),
                Arguments.of("attacker keys re-signed by an attacker root", attackerRoot, RefreshFailure.BAD_SIGNATURE),
                Arguments.of("an unsigned JWKS", unsigned, RefreshFailure.UNSIGNED),
                Arguments.of("typ missing", noTyp, RefreshFailure.WRONG_TYPE),
                Arguments.of("typ JWT", otherTyp, RefreshFailure.WRONG_TYPE),
                Arguments.of("a set past exp", pastExp, RefreshFailure.EXPIRED_SET),
                Arguments.of("a set older than the one held", older, RefreshFailure.ROLLBACK));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedDocuments")
    void refusedDocument_failedRefreshWithItsCode_lastGoodKeysStay(String what, Function<Instant, String> document,
                                                                   RefreshFailure code) {
        serve(set(world.now(), A));
        RefreshingKeySource source = started();
        world.clock.advance(Duration.ofMinutes(1));
        serve(document.apply(world.now()));

        nextFetch(source);

        assertEquals(List.of("a"), kids(source), what);
        assertEquals(1, source.health().consecutiveFailures());
        assertTrue(source.health().lastError().orElseThrow().startsWith(code.code() + ": "),
                source.health().lastError().orElseThrow());
        assertEquals(code, world.listener.failures().get(0).failure());
        nextFetch(source);
        assertEquals(List.of("a"), kids(source), "refused again at the retry");
    }

    @Test
    void heldSetPastItsExpWithNothingNewer_down() {
        Instant exp = world.now().plus(Duration.ofMinutes(10));
        world.endpoint.answerKeys(documentWithMaxAge(SignedSets.sign(ROOT, SignedSets.header(ROOT).build(),
                SignedSets.claims(world.now(), Optional.empty(), A).expirationTime(Date.from(exp)).build()), 3600));
        RefreshingKeySource source = started();
        assertEquals(exp, source.snapshot().usableUntil(), "the staleness bound is cut at exp");

        world.scheduler.advanceTo(exp.minusMillis(1));
        assertTrue(source.health().status() != Status.DOWN);
        world.scheduler.advanceTo(exp);

        assertEquals(Status.DOWN, source.health().status());
        assertEquals(Status.DOWN, world.listener.statuses().get(world.listener.statuses().size() - 1));
        nextFetch(source);
        assertEquals(Status.DOWN, source.health().status(), "a 304 never confirms a set past its exp");
        assertTrue(source.health().lastError().orElseThrow().startsWith("expired_set: "),
                source.health().lastError().orElseThrow());
    }

    @Test
    void reSignedSet_fetchedBeforeTheHeldOneExpires() {
        Instant start = world.now();
        Instant exp = start.plus(Duration.ofMinutes(10));
        world.endpoint.answerKeys(documentWithMaxAge(SignedSets.sign(ROOT, SignedSets.header(ROOT).build(),
                SignedSets.claims(start, Optional.empty(), A).expirationTime(Date.from(exp)).build()), 3600));
        RefreshingKeySource source = started();
        assertTrue(source.health().nextRefresh().orElseThrow().isBefore(exp),
                "the freshness lifetime (max-age 1 h) is cut at exp, so the refresh comes before it");
        world.endpoint.answerKeys(documentWithMaxAge(set(start.plusSeconds(1), A), 3600));

        world.scheduler.advanceTo(exp.plusSeconds(1));

        assertEquals(Status.FRESH, source.health().status());
        assertFalse(world.listener.statuses().subList(1, world.listener.statuses().size()).contains(Status.DOWN));
    }

    @Test
    void rollback_replayedOlderSet_revokedKeyStaysGone() {
        Instant setN = world.now();
        serve(set(setN, A, B));
        RefreshingKeySource source = started();
        world.clock.advance(Duration.ofMinutes(1));
        serve(set(world.now(), B));
        nextFetch(source);
        assertEquals(List.of("b"), kids(source));

        serve(set(setN, A, B));
        nextFetch(source);
        nextFetch(source);

        assertEquals(List.of("b"), kids(source));
        assertTrue(source.health().lastError().orElseThrow().startsWith("rollback: "));
    }

    @Test
    void sameIatAsTheNewestAccepted_accepted() {
        String current = set(world.now(), A);
        serve(current);
        RefreshingKeySource source = started();
        world.endpoint.answerKeys(body(200, current));

        nextFetch(source);

        assertEquals(0, source.health().consecutiveFailures());
        assertEquals(List.of("a"), kids(source));
    }

    @Test
    void cacheFile_holdsTheSignedDocumentAndItsIat() throws Exception {
        Path file = persistToAFile();
        String document = set(world.now(), A, B);
        serve(document);

        started();

        CachedKeySet entry = entry(file);
        assertEquals(SignedKeySetVerifier.MEDIA_TYPE, entry.mediaType());
        assertEquals(Optional.of(world.now()), entry.newestIssuedAt());
        assertArrayEquals(document.getBytes(StandardCharsets.US_ASCII), entry.document());
    }

    @Test
    void restartDuringAnOutage_signedSetVerifiedAgainAndServed() {
        persistToAFile();
        serve(set(world.now(), A, B));
        started().close();
        world.endpoint.stop();
        world.clock.advance(Duration.ofHours(1));

        RefreshingKeySource restarted = world.signedSource(pinned);
        restarted.start();

        assertEquals(List.of("a", "b"), kids(restarted));
        assertEquals(Status.STALE, restarted.health().status());
    }

    @Test
    void restart_signedSet_firstFetchRevalidates() {
        persistToAFile();
        serve(set(world.now(), A));
        started().close();

        world.started(world.signedSource(pinned));

        FaultyEndpoint.Request first = world.endpoint.requests().get(1);
        assertTrue(first.ifNoneMatch().isPresent(), "the document was verified again on load: its ETag may be sent");
        assertEquals(304, first.status());
    }

    @Test
    void restart_replayedOlderSet_refusedAsRollback() {
        persistToAFile();
        Instant setN = world.now();
        serve(set(setN, A, B));
        RefreshingKeySource first = started();
        world.clock.advance(Duration.ofMinutes(1));
        serve(set(world.now(), B));
        nextFetch(first);
        first.close();
        serve(set(setN, A, B));

        RefreshingKeySource restarted = world.started(world.signedSource(pinned));

        assertEquals(List.of("b"), kids(restarted));
        assertTrue(restarted.health().lastError().orElseThrow().startsWith("rollback: "),
                restarted.health().lastError().orElseThrow());
    }

    static Stream<Arguments> tamperedEntries() {
        Function<CachedKeySet, CachedKeySet> flipped = e -> with(e, SignedSets.flipSignatureByte(text(e)));
        Function<CachedKeySet, CachedKeySet> attackerRoot = e -> with(e, SignedSets.set(ATTACKER_ROOT,
                e.newestIssuedAt().orElseThrow(), Optional.empty(), MALLORY));
        Function<CachedKeySet, CachedKeySet> plain = e -> CachedKeySet.jwks(e.source(), e.jwksUri(), e.confirmedAt(),
                e.lifetime(), e.revalidation(), TestKeys.jwks(MALLORY).getBytes(StandardCharsets.UTF_8));
        Function<CachedKeySet, CachedKeySet> floorRaised = e -> new CachedKeySet(e.source(), e.jwksUri(),
                e.confirmedAt(), e.lifetime(), e.revalidation(), e.mediaType(),
                Optional.of(Instant.parse("2999-01-01T00:00:00Z")), e.document());
        Function<CachedKeySet, CachedKeySet> noFloor = e -> new CachedKeySet(e.source(), e.jwksUri(),
                e.confirmedAt(), e.lifetime(), e.revalidation(), e.mediaType(), Optional.empty(), e.document());
        return Stream.of(
                Arguments.of("a flipped signature byte", flipped),
                Arguments.of("attacker keys signed by an attacker root", attackerRoot),
                Arguments.of("an unsigned JWKS of attacker keys", plain),
                Arguments.of("the rollback floor raised", floorRaised),
                Arguments.of("the rollback floor removed", noFloor));
    }

    private static String text(CachedKeySet entry) {
        return new String(entry.document(), StandardCharsets.US_ASCII);
    }

    private static CachedKeySet with(CachedKeySet e, String document) {
        return new CachedKeySet(e.source(), e.jwksUri(), e.confirmedAt(), e.lifetime(), e.revalidation(),
                e.mediaType(), e.newestIssuedAt(), document.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperedEntries")
    void tamperedCacheFileWithTheEndpointDown_refused_noKeys(String what, Function<CachedKeySet, CachedKeySet> tamper)
            throws Exception {
        Path file = persistToAFile();
        serve(set(world.now(), A));
        started().close();
        new KeySetFile(file, world.maxBodyBytes).write(List.of(tamper.apply(entry(file))));
        world.endpoint.stop();

        RefreshingKeySource restarted = world.signedSource(pinned);
        restarted.start();

        assertTrue(restarted.snapshot().isEmpty(), what);
        assertEquals(Status.DOWN, restarted.health().status());
        world.scheduler.runDue();
        assertTrue(restarted.snapshot().isEmpty(), what);
    }

    @Test
    void tamperedRollbackFloorInTheFile_notBelieved_genuineSetAccepted() throws Exception {
        Path file = persistToAFile();
        serve(set(world.now(), A));
        started().close();
        CachedKeySet e = entry(file);
        new KeySetFile(file, world.maxBodyBytes).write(List.of(new CachedKeySet(e.source(), e.jwksUri(),
                e.confirmedAt(), e.lifetime(), e.revalidation(), e.mediaType(),
                Optional.of(Instant.parse("2999-01-01T00:00:00Z")), e.document())));
        world.clock.advance(Duration.ofMinutes(1));
        serve(set(world.now(), B));

        RefreshingKeySource restarted = world.started(world.signedSource(pinned));

        assertEquals(List.of("b"), kids(restarted), "a floor nobody signed cannot lock genuine sets out");
    }

    @Test
    void signedSetPastItsExpInTheFile_notRestored() throws Exception {
        persistToAFile();
        Instant exp = world.now().plus(Duration.ofMinutes(10));
        serve(SignedSets.sign(ROOT, SignedSets.header(ROOT).build(),
                SignedSets.claims(world.now(), Optional.empty(), A).expirationTime(Date.from(exp)).build()));
        started().close();
        world.endpoint.stop();
        world.clock.set(exp);

        RefreshingKeySource restarted = world.signedSource(pinned);
        restarted.start();

        assertTrue(restarted.snapshot().isEmpty());
    }

    @Test
    void plainEntryInTheFile_notUsedByASourceThatPinsRoots() throws Exception {
        persistToAFile();
        URI uri = world.endpoint.jwksUri();
        new KeySetFile(world.cacheFile.orElseThrow(), world.maxBodyBytes).write(List.of(CachedKeySet.jwks(uri, uri,
                world.now(), Duration.ofMinutes(5), RevalidationHeaders.NONE,
                TestKeys.jwks(A).getBytes(StandardCharsets.UTF_8))));
        world.endpoint.stop();

        RefreshingKeySource restarted = world.signedSource(pinned);
        restarted.start();

        assertTrue(restarted.snapshot().isEmpty());
    }

    private void publishMetadata(String metadata) {
        world.endpoint.answerMetadata(body(200, metadata));
    }

    @Test
    void discoveredIssuerWithPinnedRoots_followsSignedJwksUri() {
        String issuer = world.endpoint.issuer();
        publishMetadata("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + world.endpoint.base() + "/plain.json\","
                + "\"signed_jwks_uri\":\"" + world.endpoint.jwksUri() + "\"}");
        serve(SignedSets.set(ROOT, world.now(), Optional.of(issuer), A));

        RefreshingKeySource source = world.started(world.signedDiscovering(issuer,
                SignedSets.verifier(Optional.of(issuer), ROOT)));

        assertEquals(List.of("a"), kids(source));
        assertEquals(Optional.of(world.endpoint.jwksUri()), source.health().jwksUri());
    }

    @Test
    void discoveredIssuerWithPinnedRoots_metadataWithoutSignedJwksUri_badMetadataNeverThePlainSet() {
        String issuer = world.endpoint.issuer();
        publishMetadata("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + world.endpoint.jwksUri() + "\"}");
        serve(TestKeys.jwks(MALLORY));

        RefreshingKeySource source = world.started(world.signedDiscovering(issuer,
                SignedSets.verifier(Optional.of(issuer), ROOT)));

        assertTrue(source.snapshot().isEmpty());
        assertEquals(RefreshFailure.BAD_METADATA, world.listener.failures().get(0).failure());
        assertTrue(source.health().lastError().orElseThrow().contains("signed_jwks_uri"));
        assertEquals(List.of(), world.endpoint.requests(FaultyEndpoint.JWKS_PATH));
    }

    @Test
    void discoveredIssuerWithPinnedRoots_setForAnotherIssuer_issuerMismatch() {
        String issuer = world.endpoint.issuer();
        publishMetadata("{\"issuer\":\"" + issuer + "\",\"signed_jwks_uri\":\"" + world.endpoint.jwksUri() + "\"}");
        serve(SignedSets.set(ROOT, world.now(), Optional.of("https://other.example"), MALLORY));

        RefreshingKeySource source = world.started(world.signedDiscovering(issuer,
                SignedSets.verifier(Optional.of(issuer), ROOT)));

        assertTrue(source.snapshot().isEmpty());
        assertEquals(RefreshFailure.ISSUER_MISMATCH, world.listener.failures().get(0).failure());
    }
}
