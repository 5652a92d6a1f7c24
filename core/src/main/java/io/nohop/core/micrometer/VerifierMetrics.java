package io.nohop.core.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import io.nohop.core.VerifierStats;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a verifier's activity to Micrometer, in one step: give it to the builder as the listener,
 * and the verifier binds it when built.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *         // ... keys, issuer, audience ...
 *         .listener(new VerifierMetrics(registry))    // or VerifierListener.combine(yours, new VerifierMetrics(registry))
 *         .build();
 * }</pre>
 *
 * <p>Verifications are timed as they happen (a {@link Timer} with a percentile histogram, so p99 can be
 * computed across instances). Everything else is read when the registry is scraped, from the verifier's
 * {@link TokenVerifier#stats() stats()} and {@link TokenVerifier#health() health()}: nothing is pushed
 * from the refresh threads.
 *
 * <table>
 * <caption>Metrics</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 * <tr><td>{@code nohop.verifications}</td><td>timer, percentile histogram (1 µs to 1 s)</td><td>{@code outcome} =
 *     accepted|rejected, {@code reason} = a rejection code or {@code none}</td><td>every {@code verify} call and its
 *     duration; the timer of a rejection code appears with its first rejection</td></tr>
 * <tr><td>{@code nohop.jwks.refreshes}</td><td>counter</td><td>{@code result} = success|not_modified|failure,
 *     {@code reason} = a failure code ({@link VerifierStats#refreshFailures()}) or {@code none}</td>
 *     <td>fetches of the key set</td></tr>
 * <tr><td>{@code nohop.jwks.key.changes}</td><td>counter</td><td>{@code change} = added|removed|material_changed|refused</td>
 *     <td>keys that changed between fetches, or were refused</td></tr>
 * <tr><td>{@code nohop.jwks.unknown.kid.suppressed}</td><td>counter</td><td></td>
 *     <td>unknown-kid refreshes refused by the rate limit</td></tr>
 * <tr><td>{@code nohop.keys.status}</td><td>gauge</td><td></td><td>0 FRESH, 1 STALE, 2 DOWN (worst source)</td></tr>
 * <tr><td>{@code nohop.keys.age}</td><td>gauge (seconds)</td><td></td>
 *     <td>time since the oldest refreshing source last confirmed its keys; NaN before any</td></tr>
 * <tr><td>{@code nohop.keys.count}</td><td>gauge</td><td></td><td>usable keys held, over all sources</td></tr>
 * <tr><td>{@code nohop.jwks.consecutive.failures}</td><td>gauge</td><td></td><td>failed fetches since the last success (max over sources)</td></tr>
 * <tr><td>{@code nohop.keys.max.staleness}</td><td>gauge (seconds)</td><td></td><td>the configured {@code maxStaleness}:
 *     alert rules compare {@code nohop.keys.age} with it instead of repeating the number</td></tr>
 * <tr><td>{@code nohop.keys.max.refresh}</td><td>gauge (seconds)</td><td></td><td>the configured {@code maxRefreshInterval}</td></tr>
 * </table>
 *
 * <p>One instance serves one verifier: a second verifier built with the same instance is not bound
 * (the verifier logs the refusal). Thread-safe. The per-request cost is one timer record, no lookup.
 */
// Micrometer types appear in this API although nohop-core reads Micrometer only statically: users of this
// class bring Micrometer themselves, and a transitive requirement would force it on every other user.
@SuppressWarnings("exports")
public final class VerifierMetrics implements VerifierListener {
    private static final String VERIFICATIONS = "nohop.verifications";
    private static final RejectionReason[] REASONS = RejectionReason.values();

    private final MeterRegistry registry;
    private final Timer accepted;
    // Made on first use: each timer carries ~90 histogram buckets, and most codes never happen.
    private final AtomicReferenceArray<@Nullable Timer> rejected = new AtomicReferenceArray<>(REASONS.length);
    private final AtomicReference<@Nullable TokenVerifier> bound = new AtomicReference<>();

    /**
     * Creates the verification timer in {@code registry}; the other meters are registered when a
     * verifier built with this listener calls {@link #verifierBuilt}.
     *
     * @param registry where to publish
     */
    public VerifierMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.accepted = verifications("accepted", "none");
    }

    private Timer verifications(String outcome, String reason) {
        return Timer.builder(VERIFICATIONS).tag("outcome", outcome).tag("reason", reason)
                .description("token verifications")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }

    /**
     * Registers the counters and gauges over {@code verifier}'s stats and health. Called by the builder;
     * the meters hold the verifier weakly.
     *
     * @param verifier the verifier this listener was given to
     * @throws IllegalStateException when this instance is already bound to another verifier
     */
    @Override
    public void verifierBuilt(TokenVerifier verifier) {
        Objects.requireNonNull(verifier, "verifier");
        if (!bound.compareAndSet(null, verifier)) {
            throw new IllegalStateException("this VerifierMetrics already publishes another verifier; "
                    + "give each verifier its own");
        }
        refreshes(verifier, "success", "none", VerifierStats::refreshesSucceeded);
        refreshes(verifier, "not_modified", "none", VerifierStats::refreshesNotModified);
        for (String code : verifier.stats().refreshFailures().keySet()) {
            refreshes(verifier, "failure", code, s -> s.refreshFailures().getOrDefault(code, 0L));
        }
        keyChanges(verifier, "added", VerifierStats::keysAdded);
        keyChanges(verifier, "removed", VerifierStats::keysRemoved);
        keyChanges(verifier, "material_changed", VerifierStats::keyMaterialChanges);
        keyChanges(verifier, "refused", VerifierStats::keysRefused);
        FunctionCounter.builder("nohop.jwks.unknown.kid.suppressed", verifier,
                        v -> v.stats().unknownKidRefreshesSuppressed())
                .description("unknown-kid refreshes refused by the rate limit").register(registry);

        Gauge.builder("nohop.keys.status", verifier, v -> v.health().status().ordinal())
                .description("0 FRESH, 1 STALE, 2 DOWN").register(registry);
        Gauge.builder("nohop.keys.age", verifier, v -> oldestAgeSeconds(v.health(), v.stats().takenAt()))
                .baseUnit("seconds").description("time since the keys were last confirmed").register(registry);
        Gauge.builder("nohop.keys.count", verifier,
                        v -> v.health().sources().stream().mapToInt(VerifierHealth.Source::keyCount).sum())
                .description("usable keys held").register(registry);
        Gauge.builder("nohop.jwks.consecutive.failures", verifier,
                        v -> v.health().sources().stream().mapToInt(VerifierHealth.Source::consecutiveFailures)
                                .max().orElse(0))
                .description("failed fetches since the last success").register(registry);
        seconds(verifier, "nohop.keys.max.staleness", VerifierStats::maxStaleness,
                "how long the last good keys are served without a successful refresh");
        seconds(verifier, "nohop.keys.max.refresh", VerifierStats::maxRefreshInterval,
                "the longest interval between two scheduled refreshes");
    }

    private void refreshes(TokenVerifier verifier, String result, String reason, ToDoubleFunction<VerifierStats> count) {
        FunctionCounter.builder("nohop.jwks.refreshes", verifier, v -> count.applyAsDouble(v.stats()))
                .tag("result", result).tag("reason", reason).description("key set fetches").register(registry);
    }

    private void keyChanges(TokenVerifier verifier, String change, ToDoubleFunction<VerifierStats> count) {
        FunctionCounter.builder("nohop.jwks.key.changes", verifier, v -> count.applyAsDouble(v.stats()))
                .tag("change", change).description("key set changes").register(registry);
    }

    private void seconds(TokenVerifier verifier, String name,
                         Function<VerifierStats, Duration> bound, String description) {
        Gauge.builder(name, verifier, v -> bound.apply(v.stats()).toMillis() / 1000.0)
                .baseUnit("seconds").description(description).register(registry);
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
        Timer timer = rejected.get(reason.ordinal());
        if (timer == null) {
            // The registry returns the one timer for these tags, whichever thread registers first.
            timer = verifications("rejected", reason.code());
            rejected.set(reason.ordinal(), timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
