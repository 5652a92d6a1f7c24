package io.nohop.core;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Receives what a {@link TokenVerifier} does, for metrics and logs. Every method has a no-op default,
 * so an implementation overrides only what it needs.
 *
 * <p>Implementations must be fast and thread-safe: verification callbacks run on the request thread,
 * key-set callbacks on the verifier's refresh thread. An exception thrown by a listener (checked ones
 * thrown undeclared included) is caught and logged (at most once a minute); it never changes a
 * verification's outcome nor stops a refresh. An {@link Error} is not caught. To give a verifier
 * several listeners, {@link #combine} them.
 *
 * <p>Kids passed here come from the key endpoint, never from tokens.
 */
public interface VerifierListener {
    /** A listener that does nothing; the default. */
    VerifierListener NONE = new VerifierListener() { };

    /**
     * One listener that passes every event to each of {@code listeners}, in order. One that throws does
     * not keep the later ones from hearing the event; the first failure is rethrown after all have run
     * (the verifier then logs it, as for any listener).
     *
     * @param listeners the listeners; {@link #NONE} entries are skipped
     * @return {@link #NONE} when no listener is left, the listener itself when one is, else their combination
     * @throws NullPointerException if an entry is null
     */
    static VerifierListener combine(VerifierListener... listeners) {
        List<VerifierListener> kept = new ArrayList<>(listeners.length);
        for (VerifierListener l : listeners) {
            if (Objects.requireNonNull(l, "listener") != NONE) {
                kept.add(l);
            }
        }
        return kept.isEmpty() ? NONE : kept.size() == 1 ? kept.get(0) : new CombinedListener(kept);
    }

    /**
     * The verifier this listener was given to is built. Called by {@code build()}, once per verifier it
     * builds, before any other call and before the first key fetch starts, so that a listener can read
     * the verifier's {@link TokenVerifier#stats() stats()} and {@link TokenVerifier#health() health()}
     * from then on (as {@code VerifierMetrics} does for its counters and gauges).
     *
     * @param verifier the verifier, fully built
     */
    default void verifierBuilt(TokenVerifier verifier) { }

    /**
     * A token was accepted.
     *
     * @param kid the kid of the key that verified it, or the empty string when the key has none
     * @param nanos how long {@code verify} took, in nanoseconds
     */
    default void tokenAccepted(String kid, long nanos) { }

    /**
     * A token was rejected.
     *
     * @param reason why
     * @param nanos how long {@code verify} took, in nanoseconds
     */
    default void tokenRejected(RejectionReason reason, long nanos) { }

    /**
     * A fetch of a key set succeeded and the set was accepted.
     *
     * @param jwksUri where the keys came from
     * @param keyCount how many usable keys the set holds
     * @param took how long the fetch took
     */
    default void refreshSucceeded(URI jwksUri, int keyCount, Duration took) { }

    /**
     * The endpoint answered 304 Not Modified: the keys held are confirmed and their freshness renewed.
     *
     * @param jwksUri the endpoint
     */
    default void refreshNotModified(URI jwksUri) { }

    /**
     * A fetch failed or its answer was refused; the last good keys stay in use. Called by the default
     * {@link #refreshFailed(URI, RefreshFailure, String, int, Instant)}; a listener that overrides that
     * one is not called here.
     *
     * @param jwksUri the endpoint
     * @param cause {@code "code: short detail"}, e.g. {@code "timeout: timed out after 10000 ms"}: fixed
     *              text, never response body text
     * @param consecutiveFailures failures since the last success, including this one
     * @param nextAttempt when the next attempt is scheduled
     */
    default void refreshFailed(URI jwksUri, String cause, int consecutiveFailures, Instant nextAttempt) { }

    /**
     * A fetch failed or its answer was refused, with a stable code; the last good keys stay in use.
     * The default calls {@link #refreshFailed(URI, String, int, Instant)} with {@code cause} =
     * {@code failure.code() + ": " + detail}, so listeners written against that method keep working.
     *
     * @param jwksUri the endpoint
     * @param failure why, as a stable code
     * @param detail a short, fixed description (no response body text, no file paths)
     * @param consecutiveFailures failures since the last success, including this one
     * @param nextAttempt when the next attempt is scheduled
     */
    default void refreshFailed(URI jwksUri, RefreshFailure failure, String detail, int consecutiveFailures,
                               Instant nextAttempt) {
        refreshFailed(jwksUri, failure.code() + ": " + detail, consecutiveFailures, nextAttempt);
    }

    /**
     * Keys appeared in the set.
     *
     * @param jwksUri the endpoint
     * @param kids the new kids
     */
    default void keysAdded(URI jwksUri, Set<String> kids) { }

    /**
     * Keys left the set; tokens they signed are rejected from now on.
     *
     * @param jwksUri the endpoint
     * @param kids the removed kids
     */
    default void keysRemoved(URI jwksUri, Set<String> kids) { }

    /**
     * A kid was reused with different key material. The endpoint is the trust root, so the new
     * material is used, but tokens in flight signed with the old key now fail: this usually means a
     * broken issuer.
     *
     * @param jwksUri the endpoint
     * @param kid the reused kid
     */
    default void keyMaterialChanged(URI jwksUri, String kid) { }

    /**
     * A key in the set was refused (too short, wrong use, not on its curve, duplicate kid, ...).
     *
     * @param jwksUri the endpoint
     * @param kid the refused key's kid as the set gave it (may be empty)
     * @param why a fixed explanation
     */
    default void keyRefused(URI jwksUri, String kid, String why) { }

    /**
     * The key source's health status changed.
     *
     * @param jwksUri the endpoint
     * @param from the previous status
     * @param to the new status
     */
    default void statusChanged(URI jwksUri, VerifierHealth.Status from, VerifierHealth.Status to) { }

    /**
     * A token named an unknown kid but the refresh it would have triggered was refused by the rate
     * limit (or the kid was recently looked for and not found).
     *
     * @param jwksUri the endpoint
     */
    default void unknownKidRefreshSuppressed(URI jwksUri) { }
}
