package io.nohop.core.internal.refresh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth.Status;
import io.nohop.core.VerifierListener;
import io.nohop.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's key-cache behaviours on a whole {@link TokenVerifier}, built with every default except time
 * and threads: a fake clock, a fake scheduler that runs what is due at once on a thread of its own (as the
 * verifier's scheduler thread would) and moves time only when the test says, fetch rounds on that
 * scheduler's thread, and a real JWKS endpoint on loopback answering as Spring Authorization Server does
 * ({@code Cache-Control: no-cache, no-store, max-age=0, must-revalidate}).
 */
class VerifierKeyCacheTest {
    private static final String ISSUER = "https://issuer.example";
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    /** What Spring Security adds to Spring Authorization Server's JWKS endpoint. */
    private static final Map<String, String> NO_STORE =
            Map.of("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
    private static final Duration MIN_REFRESH = TokenVerifier.Builder.DEFAULT_MIN_REFRESH;

    private final MutableClock clock = new MutableClock(START);
    private final FakeScheduler scheduler = new FakeScheduler(clock);
    private final FaultyEndpoint endpoint;
    private final ECKey first = newKey("first");
    private final List<Status> statusChanges = new CopyOnWriteArrayList<>();
    private TokenVerifier verifier;

    VerifierKeyCacheTest() throws Exception {
        endpoint = new FaultyEndpoint(clock);
        scheduler.runDueTasksOnOwnThread();
    }

    @AfterEach
    void close() {
        if (verifier != null) {
            verifier.close();
        }
        scheduler.shutdownNow();
        endpoint.close();
    }

    private static ECKey newKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jwks(ECKey... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    private String token(ECKey key) throws Exception {
        Instant now = clock.instant();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("svc").subject("s")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    /** A genuine token's payload and signature under a kid nobody published: rejected before the signature. */
    private static String madeUp(String genuine, int i) {
        String header = "{\"alg\":\"ES256\",\"kid\":\"made-up-" + i + "\"}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                + genuine.substring(genuine.indexOf('.'));
    }

    /** Every default but time and threads; waits for the first key set (fetched by the scheduler's thread). */
    private void start() throws InterruptedException {
        verifier = TokenVerifier.builder().jwksUri(endpoint.jwksUri()).issuer(ISSUER).audience("svc")
                .clock(clock).scheduler(scheduler).executor(Runnable::run)
                .listener(new VerifierListener() {
                    @Override
                    public void statusChanged(URI jwksUri, Status from, Status to) {
                        statusChanges.add(to);
                    }
                }).build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(30)), "the first key set");
    }

    private Instant nextRefresh() {
        return verifier.health().sources().get(0).nextRefresh().orElseThrow();
    }

    private List<Instant> fetches() {
        return endpoint.requests(FaultyEndpoint.JWKS_PATH).stream().map(FaultyEndpoint.Request::at).toList();
    }

    // ---------------------------------------------------------------- no-cache, no-store

    @Test
    void verify_noStoreEndpoint_freshThroughTwentyRefreshesEachTakingTimeAndNothingLoggedAsAWarning() throws Exception {
        // Each fetch takes 250 ms of test time; the health is read while the fetch is in flight.
        AtomicReference<TokenVerifier> held = new AtomicReference<>();
        List<Status> duringFetches = new CopyOnWriteArrayList<>();
        FaultyEndpoint.Answer keys = document(jwks(first), NO_STORE);
        endpoint.answerKeys((exchange, server) -> {
            clock.advance(Duration.ofMillis(250));
            TokenVerifier v = held.get();
            if (v != null) {
                duringFetches.add(v.health().status());
            }
            keys.write(exchange, server);
        });
        ListAppender<ILoggingEvent> log = captureLog();
        try {
            start();
            held.set(verifier);
            String token = token(first);
            for (int i = 0; i < 20; i++) {
                Instant due = nextRefresh();
                assertEquals(clock.instant().plus(MIN_REFRESH), due, "no-store: the minimum lifetime, refreshed as it ends");
                scheduler.advanceTo(due);
                assertEquals(Status.FRESH, verifier.health().status());
                assertEquals("first", verifier.verify(token).keyId().orElseThrow());
            }
        } finally {
            releaseLog(log);
        }

        assertEquals(21, fetches().size());
        assertEquals(java.util.Collections.nCopies(20, Status.FRESH), duringFetches);
        assertEquals(List.of(Status.FRESH), statusChanges, "DOWN -> FRESH at the first key set, and never left FRESH");
        assertEquals(List.of(), log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList(), "no-store is no reason for a warning");
    }

    private Level savedLevel;

    // The key cache's warnings must reach the appender whatever level other tests left on its logger.
    private ListAppender<ILoggingEvent> captureLog() {
        Logger cache = (Logger) LoggerFactory.getLogger("io.nohop.core.internal.refresh");
        savedLevel = cache.getLevel();
        cache.setLevel(Level.INFO);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger("io.nohop")).addAppender(log);
        return log;
    }

    private void releaseLog(ListAppender<ILoggingEvent> log) {
        ((Logger) LoggerFactory.getLogger("io.nohop")).detachAppender(log);
        ((Logger) LoggerFactory.getLogger("io.nohop.core.internal.refresh")).setLevel(savedLevel);
    }

    // ---------------------------------------------------------------- a new key signed at first sight

    @Test
    void verify_issuerSignsWithANewKeyHalfASecondAfterTheVerifiersFetch_everyDefault_acceptedAtItsFirstToken()
            throws Exception {
        endpoint.answerKeys(document(jwks(first), NO_STORE));
        start();
        clock.advance(Duration.ofMillis(500));
        Instant firstSight = clock.instant();
        // No pre-publication: the issuer adds the key and signs with it at once.
        ECKey added = newKey("added");
        endpoint.answerKeys(document(jwks(first, added), NO_STORE));

        // Rejected with unknown_key if the fetch it triggers is not under way within the default wait (1 s of
        // real time), e.g. deferred by the rate limit to the end of the 30 s interval (test time, which stands still).
        assertEquals("added", verifier.verify(token(added)).keyId().orElseThrow());
        assertEquals(List.of(START, firstSight), fetches(), "one fetch, at first sight");
    }

    // ---------------------------------------------------------------- a flood of made-up kids

    private static final int FLOOD = 3_000;
    private static final Duration FLOOD_STEP = Duration.ofMillis(100);

    /**
     * One made-up kid every 100 ms of test time (3,000 over five minutes, ten refresh intervals), each
     * rejected; a genuine token every second, each accepted; the health read at every step.
     *
     * @return the statuses read during the flood
     */
    private List<Status> flood() throws Exception {
        endpoint.answerKeys(document(jwks(first), NO_STORE));
        start();
        String genuine = token(first);
        List<Status> seen = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            String forged = madeUp(genuine, i);
            TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(forged));
            assertEquals(RejectionReason.UNKNOWN_KEY, e.reason());
            if (i % 10 == 0) {
                assertEquals("first", verifier.verify(genuine).keyId().orElseThrow());
            }
            seen.add(verifier.health().status());
            scheduler.advance(FLOOD_STEP);
        }
        return seen;
    }

    @Test
    void verify_floodOfMadeUpKids_noRefreshIntervalSeesMoreThanTheScheduledFetchAndOneForUnknownKids() throws Exception {
        flood();
        List<Instant> at = fetches();

        // A scheduled refresh comes a full interval after the fetch before it, so it is the first fetch of any
        // interval that holds it; unknown kids may add one fetch per interval. Any window of one interval: two.
        for (Instant from : at) {
            Instant until = from.plus(MIN_REFRESH);
            long inWindow = at.stream().filter(t -> !t.isBefore(from) && t.isBefore(until)).count();
            assertTrue(inWindow <= 2, inWindow + " fetches in the interval from " + from + ": " + at);
        }
        Duration flooded = Duration.between(START, clock.instant());
        long intervals = flooded.toMillis() / MIN_REFRESH.toMillis();
        assertTrue(at.size() <= 1 + 2 * (intervals + 1), at.size() + " fetches in " + flooded + ": " + at);
    }

    @Test
    void verify_floodOfMadeUpKids_refreshesKeepTheirPaceAndTheKeysStayFresh() throws Exception {
        List<Status> seen = flood();
        List<Instant> at = fetches();

        for (int i = 1; i < at.size(); i++) {
            Duration gap = Duration.between(at.get(i - 1), at.get(i));
            assertTrue(gap.compareTo(MIN_REFRESH) <= 0, "no fetch for " + gap + " after " + at.get(i - 1) + ": " + at);
        }
        assertTrue(Duration.between(at.get(at.size() - 1), clock.instant()).compareTo(MIN_REFRESH) <= 0,
                "no fetch since " + at.get(at.size() - 1));
        assertEquals(java.util.Collections.nCopies(FLOOD, Status.FRESH), seen);
        assertEquals(List.of(Status.FRESH), statusChanges);
    }
}
