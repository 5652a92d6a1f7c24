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
 * threads failing together log once. The two verification calls run on request threads and allocate
 * nothing; the key-set calls run on the refresh threads.
 */
final class GuardedListener implements VerifierListener {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final VerifierListener delegate;
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - 2 * LOG_INTERVAL_NANOS);

    GuardedListener(VerifierListener delegate) {
        this.delegate = delegate;
    }

    private void failed(String event, RuntimeException e) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warn("verifier listener {} threw on {}; ignored (logged at most once a minute)",
                    delegate.getClass().getName(), event, e);
        }
    }

    @Override
    public void verifierBuilt(TokenVerifier verifier) {
        keySetEvent("verifierBuilt", () -> delegate.verifierBuilt(verifier));
    }

    @Override
    public void tokenAccepted(String kid, long nanos) {
        try {
            delegate.tokenAccepted(kid, nanos);
        } catch (RuntimeException e) {
            failed("tokenAccepted", e);
        }
    }

    @Override
    public void tokenRejected(RejectionReason reason, long nanos) {
        try {
            delegate.tokenRejected(reason, nanos);
        } catch (RuntimeException e) {
            failed("tokenRejected", e);
        }
    }

    /** A key-set (or build) event: rare and off the request path, so a lambda per call costs nothing that matters. */
    private void keySetEvent(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failed(event, e);
        }
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        keySetEvent("refreshSucceeded", () -> delegate.refreshSucceeded(jwksUri, keyCount, took));
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        keySetEvent("refreshNotModified", () -> delegate.refreshNotModified(jwksUri));
    }

    @Override
    public void refreshFailed(URI jwksUri, String cause, int consecutiveFailures, Instant nextAttempt) {
        keySetEvent("refreshFailed", () -> delegate.refreshFailed(jwksUri, cause, consecutiveFailures, nextAttempt));
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        keySetEvent("keysAdded", () -> delegate.keysAdded(jwksUri, kids));
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        keySetEvent("keysRemoved", () -> delegate.keysRemoved(jwksUri, kids));
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        keySetEvent("keyMaterialChanged", () -> delegate.keyMaterialChanged(jwksUri, kid));
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        keySetEvent("keyRefused", () -> delegate.keyRefused(jwksUri, kid, why));
    }

    @Override
    public void statusChanged(URI jwksUri, VerifierHealth.Status from, VerifierHealth.Status to) {
        keySetEvent("statusChanged", () -> delegate.statusChanged(jwksUri, from, to));
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        // Runs on the request thread of a token with an unknown kid; rare enough for the lambda.
        keySetEvent("unknownKidRefreshSuppressed", () -> delegate.unknownKidRefreshSuppressed(jwksUri));
    }
}
