package io.nohop.core.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a verifier's activity to Micrometer. Pass it to
 * {@link TokenVerifier.Builder#listener(VerifierListener)} for the counters and timers, then call
 * {@link #bindHealth(TokenVerifier)} once the verifier is built for the health gauges.
 *
 * <table>
 * <caption>Metrics</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>{@code nohop.verifications}</td><td>timer</td><td>{@code outcome} = accepted|rejected,
 *     {@code reason} = a rejection code or {@code none}</td><td>every {@code verify} call and its duration</td></tr>
 * <tr><td>{@code nohop.jwks.refreshes}</td><td>counter</td><td>{@code result} = success|not_modified|failure</td>
 *     <td>fetches of the key set</td></tr>
 * <tr><td>{@code nohop.jwks.key.changes}</td><td>counter</td><td>{@code change} = added|removed|material_changed|refused</td>
 *     <td>keys that changed between fetches, or were refused</td></tr>
 * <tr><td>{@code nohop.jwks.unknown.kid.suppressed}</td><td>counter</td><td></td>
 *     <td>unknown-kid refreshes refused by the rate limit</td></tr>
 * <tr><td>{@code nohop.keys.status}</td><td>gauge</td><td></td><td>0 FRESH, 1 STALE, 2 DOWN (worst source)</td></tr>
 * <tr><td>{@code nohop.keys.age}</td><td>gauge (seconds)</td><td></td>
 *     <td>time since the oldest source last confirmed its keys; NaN before any</td></tr>
 * <tr><td>{@code nohop.keys.count}</td><td>gauge</td><td></td><td>usable keys held, over all sources</td></tr>
 * <tr><td>{@code nohop.jwks.consecutive.failures}</td><td>gauge</td><td></td><td>failed fetches since the last success (max over sources)</td></tr>
 * </table>
 *
 * <p>Meters are created up front, so the per-request cost is one timer record and no lookup.
 */
// Micrometer types appear in this API although nohop-core reads Micrometer only statically: users of this
// class bring Micrometer themselves, and a transitive requirement would force it on every other user.
@SuppressWarnings("exports")
public final class VerifierMetrics implements VerifierListener {
    private final MeterRegistry registry;
    private final Timer accepted;
    private final Timer[] rejected;
    private final Counter refreshSuccess;
    private final Counter refreshNotModified;
    private final Counter refreshFailure;
    private final Counter keysAdded;
    private final Counter keysRemoved;
    private final Counter keysChanged;
    private final Counter keysRefused;
    private final Counter unknownKidSuppressed;

    /**
     * Creates the counters and timers in {@code registry}.
     *
     * @param registry where to publish
     */
    public VerifierMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.accepted = Timer.builder("nohop.verifications").tag("outcome", "accepted").tag("reason", "none")
                .description("token verifications").register(registry);
        RejectionReason[] reasons = RejectionReason.values();
        this.rejected = new Timer[reasons.length];
        for (RejectionReason r : reasons) {
            rejected[r.ordinal()] = Timer.builder("nohop.verifications").tag("outcome", "rejected")
                    .tag("reason", r.code()).description("token verifications").register(registry);
        }
        this.refreshSuccess = refreshes("success");
        this.refreshNotModified = refreshes("not_modified");
        this.refreshFailure = refreshes("failure");
        this.keysAdded = keyChanges("added");
        this.keysRemoved = keyChanges("removed");
        this.keysChanged = keyChanges("material_changed");
        this.keysRefused = keyChanges("refused");
        this.unknownKidSuppressed = Counter.builder("nohop.jwks.unknown.kid.suppressed")
                .description("unknown-kid refreshes refused by the rate limit").register(registry);
    }

    private Counter refreshes(String result) {
        return Counter.builder("nohop.jwks.refreshes").tag("result", result).description("key set fetches")
                .register(registry);
    }

    private Counter keyChanges(String change) {
        return Counter.builder("nohop.jwks.key.changes").tag("change", change).description("key set changes")
                .register(registry);
    }

    /**
     * Registers the health gauges for a built verifier. The gauges hold the verifier weakly.
     *
     * @param verifier the verifier this listener was given to
     * @return this
     */
    public VerifierMetrics bindHealth(TokenVerifier verifier) {
        return bindHealth(verifier, Clock.systemUTC());
    }

    /**
     * Registers the health gauges, reading key age against {@code clock}.
     *
     * @param verifier the verifier this listener was given to
     * @param clock the clock the verifier uses
     * @return this
     */
    public VerifierMetrics bindHealth(TokenVerifier verifier, Clock clock) {
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(clock, "clock");
        Gauge.builder("nohop.keys.status", verifier, v -> v.health().status().ordinal())
                .description("0 FRESH, 1 STALE, 2 DOWN").register(registry);
        Gauge.builder("nohop.keys.age", verifier, v -> oldestAgeSeconds(v.health(), clock.instant()))
                .baseUnit("seconds").description("time since the keys were last confirmed").register(registry);
        Gauge.builder("nohop.keys.count", verifier,
                v -> v.health().sources().stream().mapToInt(VerifierHealth.Source::keyCount).sum())
                .description("usable keys held").register(registry);
        Gauge.builder("nohop.jwks.consecutive.failures", verifier,
                v -> v.health().sources().stream().mapToInt(VerifierHealth.Source::consecutiveFailures).max().orElse(0))
                .description("failed fetches since the last success").register(registry);
        return this;
    }

    private static double oldestAgeSeconds(VerifierHealth health, Instant now) {
        double oldest = Double.NaN;
        for (VerifierHealth.Source s : health.sources()) {
            if (s.jwksUri().isEmpty()) {
                continue;
            }
            double age = s.keyAge(now).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
            if (Double.isNaN(oldest) || age > oldest) {
                oldest = age;
            }
        }
        return oldest;
    }

    @Override
    public void tokenAccepted(String kid, long nanos) {
        accepted.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tokenRejected(RejectionReason reason, long nanos) {
        rejected[reason.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refreshSucceeded(URI jwksUri, int keyCount, Duration took) {
        refreshSuccess.increment();
    }

    @Override
    public void refreshNotModified(URI jwksUri) {
        refreshNotModified.increment();
    }

    @Override
    public void refreshFailed(URI jwksUri, String cause, int consecutiveFailures, Instant nextAttempt) {
        refreshFailure.increment();
    }

    @Override
    public void keysAdded(URI jwksUri, Set<String> kids) {
        keysAdded.increment(kids.size());
    }

    @Override
    public void keysRemoved(URI jwksUri, Set<String> kids) {
        keysRemoved.increment(kids.size());
    }

    @Override
    public void keyMaterialChanged(URI jwksUri, String kid) {
        keysChanged.increment();
    }

    @Override
    public void keyRefused(URI jwksUri, String kid, String why) {
        keysRefused.increment();
    }

    @Override
    public void unknownKidRefreshSuppressed(URI jwksUri) {
        unknownKidSuppressed.increment();
    }
}
