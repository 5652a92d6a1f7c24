package io.nohop.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The user's listener as a verifier calls it: a listener must never change a verification's outcome
 * nor stop a refresh, so every call is caught here, and a failure is logged at most once a minute
 * (the first at once). The one guard in core: the verifier calls only this, and its key sources
 * receive this, so neither needs a guard of its own.
 *
 * <p>Thread-safe: the only state is the time of the last log line, updated by compare-and-set so that
 * threads failing together log once. The two verification calls run on request threads and, once
 * compiled, allocate nothing (measured: 0 bytes per cached verify with a combined listener); the
 * key-set calls run on the refresh threads.
 */
final class GuardedListener implements VerifierListener {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final VerifierListener delegate;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - 2 * LOG_INTERVAL_NANOS);

    GuardedListener(VerifierListener delegate) {
        this.delegate = delegate;
    }

    private void failed(String event, Exception e) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warn("verifier listener {} threw on {}; ignored (logged at most once a minute)",
                    delegate.getClass().getName(), event, e);
        }
    }

    @Override
    public void verifierBuilt(TokenVerifier verifier) {
        guard("verifierBuilt", () -> delegate.verifierBuilt(verifier));
    }

    // Per request: the lambda does not reach the heap once guard() is inlined (it is small), so the
    // captured arguments stay in registers.
    @Override
    public void tokenAccepted(String kid, long nanos) {
        guard("tokenAccepted", () -> delegate.tokenAccepted(kid, nanos));
    }

    @Override
    public void tokenRejected(RejectionReason reason, long nanos) {
        guard("tokenRejected", () -> delegate.tokenRejected(reason, nanos));
    }

    // Exception, not only RuntimeException: a listener in Kotlin or with Lombok's @SneakyThrows can throw a checked
    // exception its interface does not declare. Errors pass: they say the JVM itself is in trouble.
    private void guard(String event, Runnable call) {
        try {
            call.run();
        } catch (Exception e) {
            failed(event, e);
        }
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        guard("refreshSucceeded", () -> delegate.refreshSucceeded(jwksUri, keyCount, took));
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        guard("refreshNotModified", () -> delegate.refreshNotModified(jwksUri));
    }

    @Override
    public void refreshFailed(URI jwksUri, RefreshFailure failure, String detail, int consecutiveFailures,
                              Instant nextAttempt) {
        guard("refreshFailed", () -> delegate.refreshFailed(jwksUri, failure, detail, consecutiveFailures, nextAttempt));
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        guard("keysAdded", () -> delegate.keysAdded(jwksUri, kids));
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        guard("keysRemoved", () -> delegate.keysRemoved(jwksUri, kids));
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        guard("keyMaterialChanged", () -> delegate.keyMaterialChanged(jwksUri, kid));
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        guard("keyRefused", () -> delegate.keyRefused(jwksUri, kid, why));
    }

    @Override
    public void statusChanged(URI jwksUri, VerifierHealth.Status from, VerifierHealth.Status to) {
        guard("statusChanged", () -> delegate.statusChanged(jwksUri, from, to));
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        // Runs on the request thread of a token with an unknown kid; rare enough for the lambda.
        guard("unknownKidRefreshSuppressed", () -> delegate.unknownKidRefreshSuppressed(jwksUri));
    }
}
