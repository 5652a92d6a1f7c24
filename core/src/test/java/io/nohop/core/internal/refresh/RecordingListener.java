package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Records key-source events, with the test clock's instant; can be told to throw after recording. */
final class RecordingListener implements VerifierListener {
    /**
     * @param at when @param failures consecutive failures @param nextAttempt scheduled retry
     * @param failure the code @param cause "code: detail"
     */
    record Failure(Instant at, int failures, Instant nextAttempt, RefreshFailure failure, String cause) {
        Duration delay() {
            return Duration.between(at, nextAttempt);
        }
    }

    private final Clock clock;
    private volatile boolean throwing;
    final List<String> events = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();
    final List<VerifierHealth.Status> statuses = new ArrayList<>();
    final AtomicInteger suppressed = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
    final AtomicInteger notModified = new AtomicInteger();

    RecordingListener(Clock clock) {
        this.clock = clock;
    }

    void throwAfterRecording() {
        throwing = true;
    }

    private synchronized void record(String event) {
        events.add(event);
        if (throwing) {
            throw new IllegalStateException("listener failure");
        }
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized List<Failure> failures() {
        return List.copyOf(failures);
    }

    synchronized List<VerifierHealth.Status> statuses() {
        return List.copyOf(statuses);
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        succeeded.incrementAndGet();
        record("succeeded " + keyCount);
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        notModified.incrementAndGet();
        record("notModified");
    }

    @Override
    public void refreshFailed(URI jwksUri, RefreshFailure failure, String detail, int consecutiveFailures,
                              Instant nextAttempt) {
        String cause = failure.code() + ": " + detail;
        synchronized (this) {
            failures.add(new Failure(clock.instant(), consecutiveFailures, nextAttempt, failure, cause));
        }
        record("failed " + cause);
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        record("added " + kids);
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        record("removed " + kids);
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        record("materialChanged " + kid);
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        record("refused " + kid + ": " + why);
    }

    @Override
    public void statusChanged(URI jwksUri, VerifierHealth.Status from, VerifierHealth.Status to) {
        synchronized (this) {
            statuses.add(to);
        }
        record("status " + from + "->" + to);
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        suppressed.incrementAndGet();
        if (throwing) {
            throw new IllegalStateException("listener failure");
        }
    }
}
