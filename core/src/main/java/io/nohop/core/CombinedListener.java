package io.nohop.core;

import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Several listeners heard as one ({@link VerifierListener#combine}): each event goes to every listener,
 * in the order given. A listener that throws does not keep the later ones from hearing the event; the
 * first failure is rethrown once all have run (later ones are attached as suppressed), so the
 * verifier's guard logs it. Thread-safe when the listeners are; the list is immutable.
 */
final class CombinedListener implements VerifierListener {
    private final VerifierListener[] listeners;

    CombinedListener(List<VerifierListener> listeners) {
        this.listeners = listeners.toArray(new VerifierListener[0]);
    }

    // Per request, the lambdas below do not reach the heap: each() is small enough for the JIT to inline
    // with the lambda's body, and then the captured arguments stay in registers.
    @Override
    public void tokenAccepted(String kid, long nanos) {
        each(l -> l.tokenAccepted(kid, nanos));
    }

    @Override
    public void tokenRejected(RejectionReason reason, long nanos) {
        each(l -> l.tokenRejected(reason, nanos));
    }

    // Exception, not only RuntimeException: a listener may throw a checked exception its interface does not declare
    // (Kotlin, Lombok's @SneakyThrows); the later listeners still hear the event, and that exception is rethrown as is.
    private void each(Consumer<VerifierListener> event) {
        Exception failure = null;
        for (VerifierListener l : listeners) {
            try {
                event.accept(l);
            } catch (Exception e) {
                failure = collect(failure, e);
            }
        }
        if (failure != null) {
            CombinedListener.<RuntimeException>rethrow(failure);
        }
    }

    private static Exception collect(@Nullable Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Throws {@code failure} as it is, checked or not (the listener that threw it did so undeclared already). */
    @SuppressWarnings("unchecked")
    private static <T extends Exception> void rethrow(Exception failure) throws T {
        throw (T) failure;
    }

    @Override
    public void verifierBuilt(TokenVerifier verifier) {
        each(l -> l.verifierBuilt(verifier));
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        each(l -> l.refreshSucceeded(jwksUri, keyCount, took));
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        each(l -> l.refreshNotModified(jwksUri));
    }

    @Override
    public void refreshFailed(URI jwksUri, RefreshFailure failure, String detail, int consecutiveFailures,
                              Instant nextAttempt) {
        each(l -> l.refreshFailed(jwksUri, failure, detail, consecutiveFailures, nextAttempt));
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        each(l -> l.keysAdded(jwksUri, kids));
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        each(l -> l.keysRemoved(jwksUri, kids));
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        each(l -> l.keyMaterialChanged(jwksUri, kid));
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        each(l -> l.keyRefused(jwksUri, kid, why));
    }

    @Override
    public void statusChanged(URI jwksUri, VerifierHealth.Status from, VerifierHealth.Status to) {
        each(l -> l.statusChanged(jwksUri, from, to));
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        each(l -> l.unknownKidRefreshSuppressed(jwksUri));
    }
}
