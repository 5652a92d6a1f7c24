package io.nohop.testkit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * When the kit starts and stops under each way of registering it, and that stopping leaves nothing
 * behind. Each case runs a small test class (the static nested {@code *Scenario} classes, which the
 * build's test run does not pick up by itself) through the JUnit engine and checks what it saw.
 */
class LifecycleTest {
    /** What the scenario tests saw, in order. */
    static final List<URI> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void staticField_oneKitServesEveryTestOfTheClass_andIsGoneAfterTheLast() throws Exception {
        Set<Path> foldersBefore = kitFolders();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        run(SharedKitScenario.class, 2);

        assertEquals(2, SEEN.size());
        assertEquals(SEEN.get(0), SEEN.get(1), "the same kit for both tests");
        assertLeftNothingBehind(SEEN, foldersBefore, threadsBefore);
    }

    @Test
    void instanceField_eachTestGetsItsOwnKit_andEachIsGoneAfterItsTest() throws Exception {
        Set<Path> foldersBefore = kitFolders();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        run(KitPerTestScenario.class, 2);

        assertEquals(2, SEEN.size());
        assertNotEquals(SEEN.get(0), SEEN.get(1), "a kit per test");
        assertLeftNothingBehind(SEEN, foldersBefore, threadsBefore);
    }

    @Test
    void extendWith_injectsTheRunningKitIntoTestsAndLifecycleMethods() throws Exception {
        Set<Path> foldersBefore = kitFolders();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        run(InjectedKitScenario.class, 1);

        assertEquals(2, SEEN.size(), "seen from @BeforeEach and from the test");
        assertEquals(SEEN.get(0), SEEN.get(1));
        assertLeftNothingBehind(SEEN, foldersBefore, threadsBefore);
    }

    @Test
    void sharedKit_beforeEachTest_theEndpointListensAgainAndAnswersWithoutDelay() throws Exception {
        run(EndpointResetScenario.class, 2);
    }

    @Test
    void nestedClasses_shareTheEnclosingClassesKit_untilTheEnclosingClassEnds() throws Exception {
        Set<Path> foldersBefore = kitFolders();
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

        run(NestedScenario.class, 2);

        assertEquals(2, SEEN.size());
        assertEquals(SEEN.get(0), SEEN.get(1), "the nested class uses the enclosing class's kit");
        assertLeftNothingBehind(SEEN, foldersBefore, threadsBefore);
    }

    @Test
    void outsideItsLifecycle_everyOperationFailsSayingHowToRegisterTheKit() {
        NohopIssuerExtension notStarted = new NohopIssuerExtension();

        for (Runnable operation : List.<Runnable>of(notStarted::jwksUri, notStarted::issuer, notStarted::activeKid,
                () -> notStarted.token("alice"), notStarted::rotate, () -> notStarted.revoke("kid"),
                notStarted::stopEndpoint, notStarted::startEndpoint, () -> notStarted.slowEndpoint(Duration.ZERO),
                () -> notStarted.defectiveToken(TokenDefect.EXPIRED, TokenSpec.forSubject("alice")))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, operation::run);
            assertTrue(e.getMessage().contains("@RegisterExtension"), e.getMessage());
        }
    }

    private static void run(Class<?> scenario, int tests) {
        SEEN.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(scenario)).execute();
        results.containerEvents().assertStatistics(s -> s.failed(0));
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
    }

    private static void assertLeftNothingBehind(List<URI> uris, Set<Path> foldersBefore, Set<Thread> threadsBefore)
            throws IOException {
        for (URI uri : uris) {
            assertTrue(KitClients.refused(uri), "still listening: " + uri);
        }
        assertEquals(foldersBefore, kitFolders(), "temporary folders left");
        // The endpoint's own pools are shut down without waiting; their threads end moments later.
        assertTrue(KitClients.eventually(KitClients.PATIENCE, () -> newThreads(threadsBefore).isEmpty()),
                () -> "threads left running: " + newThreads(threadsBefore));
    }

    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName).collect(Collectors.toSet());
    }

    private static Set<Path> kitFolders() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("nohop-testkit-")).collect(Collectors.toSet());
        }
    }

    // --- scenarios, run only through run(...) -------------------------------------------------------

    static class SharedKitScenario {
        @RegisterExtension
        static NohopIssuerExtension issuer = NohopIssuerExtension.builder().build();

        @Test
        void first() {
            SEEN.add(issuer.jwksUri());
        }

        @Test
        void second() {
            SEEN.add(issuer.jwksUri());
        }
    }

    static class KitPerTestScenario {
        @RegisterExtension
        NohopIssuerExtension issuer = NohopIssuerExtension.builder().build();

        @Test
        void first() {
            SEEN.add(issuer.jwksUri());
        }

        @Test
        void second() {
            SEEN.add(issuer.jwksUri());
        }
    }

    @ExtendWith(NohopIssuerExtension.class)
    static class InjectedKitScenario {
        @org.junit.jupiter.api.BeforeEach
        void before(NohopIssuerExtension issuer) {
            SEEN.add(issuer.jwksUri());
        }

        @Test
        void injected(NohopIssuerExtension issuer) {
            SEEN.add(issuer.jwksUri());
            assertEquals(NohopIssuerExtension.DEFAULT_AUDIENCE, issuer.audience());
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class EndpointResetScenario {
        @RegisterExtension
        static NohopIssuerExtension issuer = NohopIssuerExtension.builder().build();

        @Test
        @Order(1)
        void stopsAndSlowsTheEndpoint() throws IOException {
            issuer.slowEndpoint(Duration.ofMinutes(1));
            issuer.stopEndpoint();
            assertTrue(KitClients.refused(issuer.jwksUri()));
        }

        @Test
        @Order(2)
        void findsItListeningAndFast() throws IOException {
            assertEquals(200, KitClients.get(issuer.jwksUri(), "", Duration.ofSeconds(10)).status());
        }
    }

    static class NestedScenario {
        @RegisterExtension
        static NohopIssuerExtension issuer = NohopIssuerExtension.builder().build();

        @Test
        void outer() {
            SEEN.add(issuer.jwksUri());
        }

        @Nested
        class Inner {
            @Test
            void inner() {
                SEEN.add(issuer.jwksUri());
            }
        }
    }
}
