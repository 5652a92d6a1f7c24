package io.nohop.examples;

import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import io.nohop.keys.KeyRecord;
import io.nohop.testkit.NohopIssuerExtension;
import io.nohop.testkit.TokenDefect;
import io.nohop.testkit.TokenSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orders service's authentication, tested through the real verification path: a nohop key store,
 * JWKS endpoint and issuer run by the test kit, and the service's own verifier fetching and refreshing
 * keys from it over HTTP.
 */
class OrdersServiceTest {
    /** Bound on every wait for something a real socket or refresh decides; the build machine may be busy. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern KID = Pattern.compile("\"kid\":\"([^\"]*)\"");
    private static final Pattern SUBJECT = Pattern.compile("\"subject\":\"([^\"]*)\"");

    // A kit per test: rotations and revocations of one test do not reach the next. A 5 s publish lead
    // (the default is 3 s) leaves room for a slow machine between publication and first signature.
    @RegisterExtension
    NohopIssuerExtension issuer = NohopIssuerExtension.builder().audience(OrdersService.AUDIENCE)
            .publishLead(Duration.ofSeconds(5)).build();

    private final Set<String> kidsHeld = ConcurrentHashMap.newKeySet();
    private OrdersService service;
    private ExecutorService clientThreads;
    private HttpClient http;

    @BeforeEach
    void startTheService() throws Exception {
        // The service's own rules; the test only shrinks the refresh timings to the kit's max-age (1 s).
        TokenVerifier verifier = OrdersService.verifierFor(issuer.jwksUri(), issuer.issuer())
                .minRefreshInterval(Duration.ofMillis(100))
                .maxRefreshInterval(NohopIssuerExtension.DEFAULT_MAX_AGE)
                .initialRetryDelay(Duration.ofMillis(100))
                .connectTimeout(Duration.ofSeconds(1))
                .fetchTimeout(Duration.ofSeconds(2))
                .maxStaleness(Duration.ofMinutes(5))
                .listener(new VerifierListener() {
                    @Override
                    public void keysAdded(URI jwksUri, Set<String> kids) {
                        kidsHeld.addAll(kids);
                    }

                    @Override
                    public void keysRemoved(URI jwksUri, Set<String> kids) {
                        kidsHeld.removeAll(kids);
                    }
                })
                .build();
        service = OrdersService.start(verifier);
        assertTrue(verifier.awaitKeys(PATIENCE), "the service got no keys");
        clientThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "orders-test-client");
            t.setDaemon(true);
            return t;
        });
        http = HttpClient.newBuilder().executor(clientThreads).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stopTheService() {
        if (service != null) {
            service.close();
        }
        if (clientThreads != null) {
            clientThreads.shutdownNow();
        }
    }

    @Test
    void genuineToken_200_withTheCallerAndTheKeyThatVerifiedIt() throws Exception {
        Answer a = get(issuer.token(TokenSpec.forSubject("alice").withScopes("orders:read")));

        assertEquals(200, a.status(), a.toString());
        assertEquals("alice", a.subject());
        assertEquals(issuer.activeKid(), a.kid());
    }

    @Test
    void noToken_401_withABareBearerChallenge() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.ordersUri()).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(401, response.statusCode());
        assertEquals(Optional.of("Bearer"), response.headers().firstValue("WWW-Authenticate"));
    }

    @ParameterizedTest
    @EnumSource(TokenDefect.class)
    void eachKindOfBadToken_401_withItsReasonInTheChallengeAndTheBody(TokenDefect defect) throws Exception {
        String code = defect.expectedRejection().code();

        Answer a = get(issuer.defectiveToken(defect, TokenSpec.forSubject("mallory")));

        assertEquals(401, a.status(), a.toString());
        assertEquals(code, a.reason());
        assertEquals(Optional.of("Bearer error=\"invalid_token\", error_description=\"" + code + "\""), a.challenge());
    }

    @Test
    void plannedRotation_everyRequestAcrossTheSwitch_200_andTheNewKeyTakesOver() throws Exception {
        String oldKid = issuer.activeKid();
        String oldKeyToken = issuer.token("frank");

        KeyRecord next = issuer.rotate();
        Instant end = next.activateAt().plusSeconds(1);
        List<Answer> answers = new ArrayList<>();
        while (Instant.now().isBefore(end) || answers.stream().noneMatch(a -> next.kid().equals(a.kid()))) {
            assertTrue(Instant.now().isBefore(end.plus(PATIENCE)), "the new key never signed: " + answers);
            answers.add(get(issuer.token("alice")));
            pause();
        }

        assertTrue(answers.stream().allMatch(a -> a.status() == 200), "rejected across the switch: " + answers);
        assertTrue(answers.stream().anyMatch(a -> oldKid.equals(a.kid())), "requests before the switch: " + answers);
        assertEquals(next.kid(), answers.get(answers.size() - 1).kid());
        assertEquals(oldKid, get(oldKeyToken).kid(), "a token of the old key stays valid until it expires");
    }

    @Test
    void endpointStopped_requestsStill200FromCachedKeys_whileHealthTurnsStale() throws Exception {
        issuer.stopEndpoint();

        assertTrue(eventually(() -> health().status() == VerifierHealth.Status.STALE), "health " + health());
        for (String who : List.of("alice", "bob", "carol")) {
            Answer a = get(issuer.token(who));
            assertEquals(200, a.status(), a.toString());
        }
        issuer.startEndpoint();
        assertTrue(eventually(() -> health().status() == VerifierHealth.Status.FRESH), "health " + health());
    }

    @Test
    void endpointSlowerThanTheFetchTimeout_requestsStill200_andTheFailuresShowInHealth() throws Exception {
        issuer.slowEndpoint(Duration.ofSeconds(30));

        assertTrue(eventually(() -> health().sources().get(0).consecutiveFailures() > 0), "health " + health());
        Answer a = get(issuer.token("dave"));
        assertEquals(200, a.status(), a.toString());
    }

    @Test
    void revokedKey_401UnknownKey_onceTheServiceRefreshed_whileItsSuccessorIsAccepted() throws Exception {
        String oldKid = issuer.activeKid();
        String oldKeyToken = issuer.token("erin");
        KeyRecord successor = issuer.rotate(Duration.ZERO);
        assertTrue(eventually(() -> kidsHeld.contains(successor.kid())), "the service never fetched the successor");
        assertEquals(200, get(oldKeyToken).status());

        issuer.revoke(oldKid);

        assertTrue(eventually(() -> !kidsHeld.contains(oldKid)), "the service never dropped the revoked key");
        Answer revoked = get(oldKeyToken);
        assertEquals(401, revoked.status(), revoked.toString());
        assertEquals("unknown_key", revoked.reason());
        Answer fresh = get(issuer.token("erin"));
        assertEquals(200, fresh.status(), fresh.toString());
        assertEquals(successor.kid(), fresh.kid());
    }

    private VerifierHealth health() {
        return service.verifier().health();
    }

    /** What GET /orders answered. */
    private record Answer(int status, String subject, String kid, String reason, Optional<String> challenge) {
    }

    private Answer get(String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(service.ordersUri()).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        return new Answer(response.statusCode(), find(SUBJECT, body), find(KID, body),
                find(Pattern.compile("\"reason\":\"([^\"]*)\""), body), response.headers().firstValue("WWW-Authenticate"));
    }

    private static String find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** Polls what a real refresh decides, every 100 ms, up to {@link #PATIENCE}. */
    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** Paces requests across a rotation, which happens on the real clock. */
    private static void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
}
