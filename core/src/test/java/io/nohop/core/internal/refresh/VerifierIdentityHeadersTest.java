package io.nohop.core.internal.refresh;

import io.nohop.core.TokenVerifier;
import io.nohop.core.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: every key-set fetch names the verifier — {@code User-Agent: nohop/<version>} and
 * {@code Nohop-Instance: <name>} — as a real loopback endpoint sees them, through the public builder,
 * with time driven by a fake clock and scheduler.
 */
class VerifierIdentityHeadersTest {
    static {
        // As RefreshFixture: a refresh every minute logs a line each; keep the build output readable.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.nohop.core.internal.refresh"))
                .setLevel(ch.qos.logback.classic.Level.valueOf(System.getProperty("nohop.test.log", "OFF")));
    }

    // Passed by the build (core/pom.xml, surefire): the version the artifact must announce.
    private static final String BUILD_VERSION = System.getProperty("nohop.project.version", "(not set by the build)");

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final FakeScheduler scheduler = new FakeScheduler(clock);
    private final FaultyEndpoint endpoint;
    private final List<TokenVerifier> verifiers = new ArrayList<>();

    VerifierIdentityHeadersTest() throws Exception {
        endpoint = new FaultyEndpoint(clock);
        endpoint.answerKeys(FaultyEndpoint.documentWithMaxAge(TestKeys.jwks("k1"), 60));
    }

    @AfterEach
    void close() {
        verifiers.forEach(TokenVerifier::close);
        endpoint.close();
    }

    private TokenVerifier.Builder builder() {
        return TokenVerifier.builder().issuer("i").audience("a").clock(clock).scheduler(scheduler)
                .executor(Runnable::run).minRefreshInterval(Duration.ofSeconds(30));
    }

    private TokenVerifier started(TokenVerifier.Builder builder) {
        TokenVerifier verifier = builder.build();
        verifiers.add(verifier);
        scheduler.runDue();
        return verifier;
    }

    @Test
    void jwksFetches_carryTheVersionAndTheInstanceName() {
        started(builder().jwksUri(endpoint.jwksUri()).instanceName("orders-7f9c"));
        scheduler.advance(Duration.ofMinutes(10));

        List<FaultyEndpoint.Request> requests = endpoint.requests(FaultyEndpoint.JWKS_PATH);
        assertTrue(requests.size() >= 5, "the first fetch and several refreshes: " + requests.size());
        for (FaultyEndpoint.Request r : requests) {
            assertEquals(Optional.of("nohop/" + BUILD_VERSION), r.userAgent(), "the artifact's version");
            assertEquals(Optional.of("orders-7f9c"), r.instance());
        }
    }

    @Test
    void discoveryFetches_carryBothHeadersToo() {
        String issuer = endpoint.issuer();
        endpoint.answerMetadata(FaultyEndpoint.body(200,
                "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + endpoint.jwksUri() + "\"}"));
        started(builder().discoverIssuer(issuer).instanceName("billing-2"));
        scheduler.advance(Duration.ofMinutes(5));

        List<FaultyEndpoint.Request> metadata = endpoint.requests(FaultyEndpoint.METADATA_PATH);
        List<FaultyEndpoint.Request> keys = endpoint.requests(FaultyEndpoint.JWKS_PATH);
        assertEquals(1, metadata.size(), "discovery runs once");
        assertTrue(keys.size() >= 2, "the discovered key set is fetched and refreshed: " + keys.size());
        for (FaultyEndpoint.Request r : endpoint.requests()) {
            assertEquals(Optional.of("nohop/" + BUILD_VERSION), r.userAgent(), r.path());
            assertEquals(Optional.of("billing-2"), r.instance(), r.path());
        }
    }

    @Test
    void defaultName_differsPerVerifier_andStaysAcrossItsRefreshes() {
        TokenVerifier.Builder one = builder().jwksUri(endpoint.jwksUri());
        started(one);
        started(one);    // a builder may build several verifiers: each draws its own name
        started(builder().jwksUri(endpoint.jwksUri()));
        scheduler.advance(Duration.ofMinutes(10));

        Map<String, Long> fetchesByName = endpoint.requests(FaultyEndpoint.JWKS_PATH).stream()
                .map(r -> r.instance().orElse("(none)"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(3, fetchesByName.size(), "one name per verifier, the same on each of its fetches: "
                + fetchesByName);
        for (Map.Entry<String, Long> e : fetchesByName.entrySet()) {
            assertTrue(e.getKey().matches("[a-z2-7]{8}"), "8 lower-case base32 characters: " + e.getKey());
            assertTrue(e.getValue() >= 5, "every refresh of that verifier: " + fetchesByName);
        }
    }

    @Test
    void defaultNames_ofManyVerifiers_areDistinct() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(VerifierIdentity.random(RandomGeneratorFactory.getDefault().create()).instanceName());
        }
        assertEquals(1000, names.size());
    }

    @Test
    void userAgent_isTheBuildsVersion_notAFixedString() {
        assertNotEquals("(not set by the build)", BUILD_VERSION, "surefire passes nohop.project.version");
        assertEquals("nohop/" + BUILD_VERSION, VerifierIdentity.USER_AGENT);
    }
}
