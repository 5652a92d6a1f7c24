package io.nohop.core;

import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.VerificationKey;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Steps 4 and 5 of the verification path (docs/DESIGN.md): picks the key that verifies a token, from
 * the key sets held by the verifier's sources only, never from the token.
 *
 * <p>One pass over the sources that could hold the key, each read through one volatile reference (its
 * current {@link KeySnapshot}), with no lock; {@link KeySnapshot#select} answers in constant time.
 * Thread-safe: the only state is the immutable source list. Only an unknown kid reaches further: it
 * asks the sources for a refresh and waits, at most {@code waitForUnknownKid} over all sources, only
 * while a fetch that may bring the kid is in flight or was just requested (see
 * {@code RefreshingKeySource.awaitKid}).
 */
final class KeySelector {
    /**
     * The key a token selected and the source that holds it.
     *
     * @param key the verification key
     * @param source where it came from (its issuer binding and, for the result cache, its current key set)
     */
    record Selected(VerificationKey key, TrustedSource source) { }

    private static final String NOT_EXACTLY_ONE = "the token names no kid and not exactly one key fits";

    private final TrustedSource[] sources;
    private final Duration unknownKidWait;
    private final Clock clock;
    private final boolean routesByIssuer;

    KeySelector(List<TrustedSource> sources, Duration unknownKidWait, Clock clock) {
        this.sources = sources.toArray(new TrustedSource[0]);
        this.unknownKidWait = unknownKidWait;
        this.clock = clock;
        boolean bound = false;
        for (TrustedSource source : this.sources) {
            bound |= source.issuer() != null;
        }
        this.routesByIssuer = bound;
    }

    /**
     * The detail of the {@code unknown_key} rejection for a kid no key set holds: the cheapest rejection an attacker
     * can ask for, so {@link #select} returns null for it and the verifier throws it from its own frame. A
     * rejection thrown here crossed one more compiled frame on its way out, and each crossing costs the runtime a
     * search for the handler (about a tenth of that rejection's time in a profile).
     */
    static final String NO_KEY_WITH_KID = "no key with the token's kid";

    /**
     * Whether no source's current key set holds {@code kid}: the token is then headed for
     * {@code unknown_key} (or another rejection of this step), so the verifier checks its payload without
     * building the claims. A hint only, read without side effects; {@link #select} decides.
     *
     * @param kid the header's kid
     * @return true when no current snapshot has a key with that kid
     */
    boolean noSourceHolds(String kid) {
        for (TrustedSource source : sources) {
            if (source.source().snapshot().byKid(kid) != null) {
                return false;
            }
        }
        return true;
    }

    /** @return true when a source is bound to one issuer, so {@link #select} needs the token's {@code iss} */
    boolean routesByIssuer() {
        return routesByIssuer;
    }

    /**
     * Selects the key for a token whose form and header passed (step 3).
     *
     * @param kid the header's kid, or null when it names none
     * @param algorithm the header's algorithm
     * @param unverifiedIssuer the payload's {@code iss} as parsed, used to route only (see {@link TrustedSource#couldHold})
     * @param now the verifier's clock, in epoch milliseconds
     * @return the key and its source, or null when no key has the token's kid (after the wait, if any): the caller
     *         rejects that as {@code unknown_key} ({@link #NO_KEY_WITH_KID})
     * @throws TokenRejectedException {@code unknown_key} (no source for the issuer; no kid and not exactly one
     *         fitting key), {@code keys_unavailable} (no usable key set among the
     *         sources that could hold the key), {@code unsupported_algorithm} (the key does not fit)
     */
    @Nullable Selected select(@Nullable String kid, JwsAlgorithm algorithm, @Nullable Object unverifiedIssuer, long now)
            throws TokenRejectedException {
        boolean anyCandidate = false;
        boolean anyUsable = false;
        VerificationKey key = null;
        TrustedSource from = null;
        // 4. By kid, or the only key that fits; the key must fit the header's algorithm (checked last).
        for (TrustedSource source : sources) {
            if (!source.couldHold(unverifiedIssuer)) {
                continue;
            }
            anyCandidate = true;
            KeySnapshot snapshot = source.source().snapshot();
            if (!snapshot.isUsableAt(now)) {
                continue;
            }
            anyUsable = true;
            VerificationKey found = snapshot.select(kid, algorithm);
            if (kid != null) {
                if (found != null) {
                    key = found;
                    from = source;
                    break;      // kids are unique per set; the first source holding it wins
                }
            } else if (found != null) {
                if (key != null) {
                    // Ambiguous: two key sets each have one fitting key.
                    throw new TokenRejectedException(RejectionReason.UNKNOWN_KEY, NOT_EXACTLY_ONE);
                }
                key = found;
                from = source;
            } else if (snapshot.severalFit(algorithm)) {
                // Ambiguous: several keys of this set fit.
                throw new TokenRejectedException(RejectionReason.UNKNOWN_KEY, NOT_EXACTLY_ONE);
            }
        }
        if (!anyCandidate) {
            // Every key source is bound to another issuer: no key here can vouch for this token.
            throw new TokenRejectedException(RejectionReason.UNKNOWN_KEY, "no key source serves the token's issuer");
        }
        if (!anyUsable) {
            throw new TokenRejectedException(RejectionReason.KEYS_UNAVAILABLE,
                    "no usable key set (not loaded yet, or past the staleness bound)");
        }
        if (key == null && kid == null) {
            throw new TokenRejectedException(RejectionReason.UNKNOWN_KEY, NOT_EXACTLY_ONE);
        }
        if (key == null) {
            // 5. Unknown kid: ask for a refresh (coalesced, rate-limited by each source) and wait a bounded
            // time for a fetch already coming (unless waiting was turned off: waitForUnknownKid(0)).
            for (TrustedSource source : sources) {
                if (source.couldHold(unverifiedIssuer)) {
                    source.source().unknownKid(kid);
                }
            }
            if (!unknownKidWait.isZero()) {
                // One bound for the whole wait, over every source: no request waits longer than it. A
                // source returns at once unless a fetch that may bring the kid is actually coming.
                // Nothing here reads a clock unless it must: the made-up-kid flood takes this path.
                long deadline = sources.length > 1 ? System.nanoTime() + unknownKidWait.toNanos() : 0;
                boolean first = true;
                for (TrustedSource source : sources) {
                    if (!source.couldHold(unverifiedIssuer)) {
                        continue;
                    }
                    // The first source gets the whole bound (no Duration made on the common path: one source).
                    Duration left = first ? unknownKidWait : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    first = false;
                    KeySnapshot after;
                    try {
                        after = source.source().awaitKid(kid, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    VerificationKey found = after.select(kid, algorithm);
                    if (found != null && after.isUsableAt(clock.millis())) {
                        key = found;
                        from = source;
                        break;
                    }
                }
            }
            if (key == null) {
                // Returned, not thrown: the verifier throws it from its own frame (see NO_KEY_WITH_KID).
                return null;
            }
        }
        if (!key.fits(algorithm)) {
            throw new TokenRejectedException(RejectionReason.UNSUPPORTED_ALGORITHM,
                    "the key does not fit the token's algorithm");
        }
        // The one allocation of this step, made in one place so that the JIT can keep it off the heap.
        return new Selected(key, from);
    }
}
