package io.nohop.core.internal.keyset;

import io.nohop.core.VerifierHealth;

import java.time.Duration;

/**
 * Where a verifier's keys come from: a fixed set, or a JWKS endpoint refreshed in the background.
 * Implementations are thread-safe; {@link #snapshot()} and {@link #unknownKid(String)} are called on
 * the request path and must never block or throw.
 */
public interface KeySource extends AutoCloseable {
    /**
     * The keys to verify with now: one volatile read, no I/O, no lock. The caller compares
     * {@link KeySnapshot#usableUntil()} with its clock to decide whether the keys are still usable.
     *
     * @return the current snapshot; {@link KeySnapshot#EMPTY} before any key set was loaded
     */
    KeySnapshot snapshot();

    /**
     * A token named a kid that the current snapshot lacks. Asks for a refresh, coalesced with any
     * other pending one and rate-limited; kids that a recent refresh did not find are remembered and
     * trigger nothing. Never blocks, never throws.
     *
     * @param kid the unknown kid (attacker-controlled text)
     */
    void unknownKid(String kid);

    /**
     * Waits, at most {@code maxWait}, while a fetch that may bring the kid is coming: one in flight, or
     * one {@link #unknownKid} requested. Returns at once when none is (rate-limited, known absent, a
     * fixed key set). Called after {@link #unknownKid} unless the verifier's unknown-kid wait is zero.
     *
     * @param kid the unknown kid
     * @param maxWait the longest to wait
     * @return the snapshot after the wait (which may still lack the kid)
     * @throws InterruptedException if interrupted while waiting
     */
    KeySnapshot awaitKid(String kid, Duration maxWait) throws InterruptedException;

    /**
     * Waits until a first key set is usable (fetched, or loaded from the cache file).
     *
     * @param timeout the longest to wait
     * @return true when keys are usable
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitFirstKeys(Duration timeout) throws InterruptedException;

    /**
     * Starts background work (the first fetch). Called once by {@code build()}; must not block.
     */
    void start();

    /** @return this source's health at the moment of the call */
    VerifierHealth.Source health();

    /** Stops every thread this source started and cancels scheduled work. Idempotent. */
    @Override
    void close();
}
