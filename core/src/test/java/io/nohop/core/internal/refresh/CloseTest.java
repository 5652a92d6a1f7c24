package io.nohop.core.internal.refresh;

import io.nohop.core.internal.DaemonThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloseTest {
    private final RefreshFixture world = new RefreshFixture();

    @AfterEach
    void close() {
        world.close();
    }

    private static List<String> liveNohopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("nohop-"))
                .map(Thread::getName).toList();
    }

    @Test
    void closingTheSourcesAndTheirKeyCacheLeavesNoNohopThreadRunning() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        world.started();
        world.scheduler.advance(Duration.ofHours(1));
        assertFalse(liveNohopThreads().isEmpty(), "the fetches ran on the key cache's own HTTP threads");

        world.closeSources();

        assertEquals(List.of(), liveNohopThreads(), () -> Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("nohop-"))
                .map(e -> e.getKey().getName() + " " + e.getKey().getState() + " "
                        + java.util.Arrays.toString(e.getValue())).toList().toString());
    }

    @Test
    void closeIsIdempotentAndCancelsTheSchedule() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.started();
        int fetches = world.endpoint.requests().size();

        source.close();
        source.close();
        source.unknownKid("b");
        world.scheduler.advance(Duration.ofDays(2));

        assertEquals(fetches, world.endpoint.requests().size());
        assertEquals(Optional.empty(), source.health().nextRefresh());
        assertEquals(List.of(), world.scheduler.pending());
    }

    @Test
    void closeAbortsAFetchInFlight() throws InterruptedException {
        CountDownLatch arrived = new CountDownLatch(1);
        world.fetchTimeout = Duration.ofMinutes(10);
        ExecutorService fetchThread = Executors.newSingleThreadExecutor(DaemonThreads.named("test-fetch"));
        world.fetchExecutor = fetchThread;
        world.endpoint.answerKeys((exchange, endpoint) -> {
            arrived.countDown();
            FaultyEndpoint.hang().write(exchange, endpoint);
        });
        RefreshingKeySource source = world.source();
        source.start();
        world.scheduler.runDue();
        assertTrue(arrived.await(30, TimeUnit.SECONDS));

        source.close();
        fetchThread.shutdown();

        assertTrue(fetchThread.awaitTermination(30, TimeUnit.SECONDS), "the hung fetch was aborted");
        assertTrue(source.snapshot().isEmpty());
    }

    @Test
    void waitsReturnAtOnceAfterClose() throws InterruptedException {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.source();
        source.start();
        source.close();

        assertEquals(false, source.awaitFirstKeys(Duration.ofMinutes(10)));
        assertTrue(source.awaitKid("a", Duration.ofMinutes(10)).isEmpty());
    }
}
