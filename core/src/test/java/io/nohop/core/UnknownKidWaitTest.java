package io.nohop.core;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The unknown-kid wait of issue 12, on a real verifier against a JWKS endpoint on loopback (the wait
 * itself is the point, so real threads and real time, each wait bounded): a key the issuer signs with
 * the moment it publishes it is accepted at its first token; a flood of made-up kids costs one fetch and
 * holds no request past the bound, even while that fetch hangs. The rate limit and the wait conditions
 * are proven on the fake clock in {@code internal.refresh.UnknownKidTest}.
 */
class UnknownKidWaitTest {
    private static final String ISSUER = "https://issuer.example";

    private final AtomicReference<String> jwks = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    // After the first fetch, every fetch waits for this latch (a hung endpoint) when hang is set.
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;
    private HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(testThreads("test-jwks"));
    private TokenVerifier verifier;

    // Not DaemonThreads: its "nohop-" names are the library's own threads, which other tests count.
    private static java.util.concurrent.ThreadFactory testThreads(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (verifier != null) {
            verifier.close();
        }
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
    }

    private URI serve(String initial) throws IOException {
        jwks.set(initial);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(handlers);
        server.createContext("/jwks.json", exchange -> {
            if (fetches.incrementAndGet() > 1 && hang) {
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            // What Spring Security sends with Spring Authorization Server's JWKS.
            exchange.getResponseHeaders().set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    private static String token(ECKey key) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("svc").subject("s")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    /** The genuine token's payload and signature under a made-up kid: rejected before the signature. */
    private static String madeUp(String genuine, int i) {
        String header = "{\"alg\":\"ES256\",\"kid\":\"made-up-" + i + "\"}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                + genuine.substring(genuine.indexOf('.'));
    }

    private static RejectionReason rejection(TokenVerifier verifier, String token) {
        return assertThrows(TokenRejectedException.class, () -> verifier.verify(token)).reason();
    }

    @Test
    void builder_unknownKidWait_defaultsToOneSecondOrTheFetchTimeoutWhenShorter() {
        assertEquals(Duration.ofSeconds(1), TokenVerifier.Builder.DEFAULT_UNKNOWN_KID_WAIT);
        assertEquals(Duration.ofSeconds(1), TokenVerifier.builder().unknownKidWait());
        assertEquals(Duration.ofMillis(400), TokenVerifier.builder().fetchTimeout(Duration.ofMillis(400)).unknownKidWait());
        assertEquals(Duration.ZERO, TokenVerifier.builder().waitForUnknownKid(Duration.ZERO).unknownKidWait());
    }

    @Test
    void build_explicitWaitOverTheFetchTimeout_refusedNamingBoth() {
        TokenVerifier.Builder builder = TokenVerifier.builder().jwks(Tokens.JWKS).issuer(ISSUER).audience("svc")
                .fetchTimeout(Duration.ofSeconds(2)).waitForUnknownKid(Duration.ofSeconds(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(e.getMessage().contains("PT3S") && e.getMessage().contains("PT2S"), e.getMessage());
    }

    /**
     * A verifier (unknown-kid wait 10 s) that has fetched a set of one key, after which the issuer adds a key
     * and signs with it at once (no pre-publication). The default bound is 1 s; a generous one here, so that a
     * loaded machine cannot fail these tests.
     *
     * @return the added key, which the verifier has not fetched yet
     */
    private ECKey keyAddedRightAfterTheFetch() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey added = new ECKeyGenerator(Curve.P_256).keyID("added").generate();
        URI uri = serve(new JWKSet(first.toPublicJWK()).toString());
        verifier = TokenVerifier.builder().jwksUri(uri).issuer(ISSUER).audience("svc")
                .waitForUnknownKid(Duration.ofSeconds(10)).build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
        jwks.set(new JWKSet(List.of(first.toPublicJWK(), added.toPublicJWK())).toString());
        return added;
    }

    @Test
    void verify_issuerSignsWithANewKeyRightAfterTheVerifiersFetch_acceptedAtItsFirstToken() throws Exception {
        ECKey added = keyAddedRightAfterTheFetch();
        VerifiedToken verified = verifier.verify(token(added));

        assertEquals("added", verified.keyId().orElseThrow());
        assertEquals(2, fetches.get(), "one fetch, triggered by the new kid");
    }

    @Test
    void verify_newKidWithMalformedSignature_rejectedAsMalformedWithoutFetchOrWait() throws Exception {
        ECKey added = keyAddedRightAfterTheFetch();
        // The new key's token with its signature padded: malformed (step 3) before the kid is looked for, so
        // neither the refresh request nor the wait of step 5 is spent on it.
        long start = System.nanoTime();
        assertEquals(RejectionReason.MALFORMED, rejection(verifier, token(added) + "=="));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "answered without waiting for a fetch");
        assertEquals(1, fetches.get(), "no fetch for a malformed token");
    }

    @Test
    void verify_waitTurnedOff_newKeyRejectedUntilTheFetchItsFirstTokenTriggeredLands() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey added = new ECKeyGenerator(Curve.P_256).keyID("added").generate();
        URI uri = serve(new JWKSet(first.toPublicJWK()).toString());
        CountDownLatch addedSeen = new CountDownLatch(1);
        verifier = TokenVerifier.builder().jwksUri(uri).issuer(ISSUER).audience("svc")
                .waitForUnknownKid(Duration.ZERO)
                .listener(new VerifierListener() {
                    @Override
                    public void keysAdded(URI jwksUri, java.util.Set<String> kids) {
                        if (kids.contains("added")) {
                            addedSeen.countDown();
                        }
                    }
                }).build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
        jwks.set(new JWKSet(List.of(first.toPublicJWK(), added.toPublicJWK())).toString());
        String token = token(added);

        assertEquals(RejectionReason.UNKNOWN_KEY, rejection(verifier, token));
        assertTrue(addedSeen.await(10, TimeUnit.SECONDS), "the first token's fetch, not one 30 s later");
        assertEquals("added", verifier.verify(token).keyId().orElseThrow());
    }

    @Test
    void verify_3000MadeUpKidsWhileTheirFetchHangs_oneFetchAndNoRequestHeldPastTheBound() throws Exception {
        ECKey genuineKey = new ECKeyGenerator(Curve.P_256).keyID("genuine").generate();
        URI uri = serve(new JWKSet(genuineKey.toPublicJWK()).toString());
        Duration bound = Duration.ofMillis(300);
        verifier = TokenVerifier.builder().jwksUri(uri).issuer(ISSUER).audience("svc")
                .fetchTimeout(Duration.ofSeconds(60)).waitForUnknownKid(bound).build();
        assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
        hang = true;
        String genuine = token(genuineKey);

        int threads = 8;
        int perThread = 375;
        AtomicLong longestNanos = new AtomicLong();
        AtomicInteger unknownKey = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        ExecutorService flood = Executors.newFixedThreadPool(threads, testThreads("test-flood"));
        long floodStart = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                done.add(flood.submit(() -> {
                    for (int i = base; i < base + perThread; i++) {
                        long start = System.nanoTime();
                        try {
                            verifier.verify(madeUp(genuine, i));
                        } catch (TokenRejectedException e) {
                            if (e.reason() == RejectionReason.UNKNOWN_KEY) {
                                unknownKey.incrementAndGet();
                            }
                        }
                        longestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                        if (i % 100 == 0) {
                            // Tokens whose kid is held never wait, whatever the fetch does.
                            verifier.verify(genuine);
                            accepted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            flood.shutdownNow();
        }
        Duration floodTook = Duration.ofNanos(System.nanoTime() - floodStart);

        assertEquals(3_000, unknownKey.get());
        assertEquals(30, accepted.get());
        assertEquals(2, fetches.get(), "the first fetch and one unknown-kid fetch (hung): the rate limit's one");
        // Bounds, not speed. A request held past the bound (waiting for the hung fetch: up to 60 s) fails the
        // first. The second fails if every request rode the hung fetch for a full bound instead of only those
        // that came within one bound of its request: 3000 x 0.3 s / 8 threads = 112 s, or until the fetch
        // times out (60 s); the flood itself takes about a second.
        Duration longest = Duration.ofNanos(longestNanos.get());
        assertTrue(longest.compareTo(bound.plusSeconds(5)) < 0, "a request was held " + longest);
        assertTrue(floodTook.compareTo(Duration.ofSeconds(20)) < 0, "the flood took " + floodTook);
    }
}
