package io.nohop.spring.boot;

import io.nohop.core.RejectionReason;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Passes every event to each of the application's {@link VerifierListener} beans (the builder takes
 * one listener). Every listener gets every event even when one throws; the first failure is rethrown
 * afterwards, for the verifier to log (it never changes an outcome).
 */
final class CompositeVerifierListener implements VerifierListener {
    private final List<VerifierListener> listeners;

    CompositeVerifierListener(List<VerifierListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<VerifierListener> event) {
        RuntimeException first = null;
        for (VerifierListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void tokenAccepted(String kid, long nanos) {
        each(l -> l.tokenAccepted(kid, nanos));
    }

    @Override
    public void tokenRejected(RejectionReason reason, long nanos) {
        each(l -> l.tokenRejected(reason, nanos));
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
    public void refreshFailed(URI jwksUri, String cause, int consecutiveFailures, Instant nextAttempt) {
        each(l -> l.refreshFailed(jwksUri, cause, consecutiveFailures, nextAttempt));
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
