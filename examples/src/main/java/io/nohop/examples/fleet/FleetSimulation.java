package io.nohop.examples.fleet;

import io.nohop.core.TokenVerifier;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySnapshot;
import io.nohop.core.internal.keyset.LoadedKeySet;
import io.nohop.core.internal.refresh.KeySetDecoder;
import io.nohop.core.internal.refresh.RefreshOptions;
import io.nohop.core.internal.refresh.VerifierIdentity;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One simulated day of a fleet in virtual time, single-threaded and deterministic for a seed: the
 * {@link SimulatedVerifier}s (each core's real key cache with the builder's default settings), the
 * {@link SimulatedEndpoint}, a {@link VirtualScheduler} that runs every timer of every key cache, and
 * the timeline of {@link FleetParameters}: the fleet comes up during the warm-up; then steady state; a
 * planned rotation; an outage; a fleet-wide restart with cache files; another without.
 *
 * <p>Jitter off means every draw of core's {@code RefreshTiming} returns the middle of its range (a
 * generator that always answers 0.5, injected where a verifier's builder takes its {@code random}):
 * every verifier then refreshes at 85 % of the max-age and retries at the middle of its backoff window.
 * The simulation's own draws (start instants, token phases, restart instants) come from a separate
 * generator, the same with jitter on and off, so the two runs differ in the jitter alone.
 */
final class FleetSimulation {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    static final Instant DAY_START = Instant.parse("2030-01-01T00:00:00Z");

    final FleetParameters p;
    final boolean jitterOn;
    final VirtualClock clock;
    final VirtualScheduler scheduler;
    final SimulatedEndpoint endpoint;
    final RandomGenerator jitter;
    final KeySetDecoder decoder;
    final RefreshOptions options;
    final long originMillis;
    final long dayStartMillis;
    final long tokenPeriodMillis;
    private final FleetKeys keys;
    private final long publishAt;
    private final long activationAt;
    private final long outageEnd;
    private final SimulatedVerifier[] fleet;
    private final int[] rejectedUnknownKey;
    private final int[] rejectedUnavailable;
    private final SimulatedAdminListener admin;
    private final SplittableRandom names;
    // Per minute of the run (slot 0: the start of the warm-up), what the pollers gauges showed; -1
    // where no census was taken.
    private final long[][] pollers;
    private final int[] tableSize;
    private final Map<String, String> documents = new LinkedHashMap<>();

    private FleetSimulation(FleetParameters p, boolean jitterOn, FleetKeys keys) {
        this.p = p;
        this.jitterOn = jitterOn;
        this.keys = keys;
        this.dayStartMillis = DAY_START.toEpochMilli();
        this.originMillis = dayStartMillis - p.warmUp().toMillis();
        this.clock = new VirtualClock(originMillis);
        this.scheduler = new VirtualScheduler(clock);
        this.tokenPeriodMillis = p.tokenPeriod().toMillis();
        this.publishAt = dayStartMillis + p.publishAt().toMillis();
        this.activationAt = dayStartMillis + p.activationAt().toMillis();
        long removalAt = dayStartMillis + p.removalAt().toMillis();
        long outageAt = dayStartMillis + p.outageAt().toMillis();
        this.outageEnd = dayStartMillis + p.outageEnd().toMillis();
        int seconds = (int) ((p.warmUp().toMillis() + p.hours() * 3_600_000L) / 1000);
        List<SimulatedEndpoint.Publication> publications = List.of(
                new SimulatedEndpoint.Publication(Long.MIN_VALUE, "\"set-1\"", keys.before(), List.of(keys.oldKid())),
                new SimulatedEndpoint.Publication(publishAt, "\"set-2\"", keys.both(),
                        List.of(keys.oldKid(), keys.newKid())),
                new SimulatedEndpoint.Publication(removalAt, "\"set-3\"", keys.after(), List.of(keys.newKid())));
        this.endpoint = new SimulatedEndpoint(publications, p.maxAge(), outageAt, outageEnd, p.capacity(),
                TokenVerifier.Builder.DEFAULT_FETCH_TIMEOUT, originMillis, seconds);
        this.admin = new SimulatedAdminListener(publications, p.maxAge(), p.lead(), activationAt, keys.oldKid(),
                keys.newKid());
        endpoint.admin(admin);
        this.names = new SplittableRandom(p.seed() * 31 + 7);
        int minutes = (seconds + 59) / 60;
        this.pollers = new long[][] {filled(minutes), filled(minutes), filled(minutes)};
        this.tableSize = new int[minutes];
        Arrays.fill(tableSize, -1);
        this.jitter = jitterOn ? new SplittableRandom(p.seed() * 0x9E3779B97F4A7C15L + 1) : new MiddleOfTheRange();
        this.decoder = new DecodedOnce();
        // The builder's defaults: what a verifier gets when it sets nothing.
        this.options = new RefreshOptions(TokenVerifier.Builder.DEFAULT_MIN_REFRESH,
                TokenVerifier.Builder.DEFAULT_REFRESH, TokenVerifier.Builder.DEFAULT_MAX_REFRESH,
                TokenVerifier.Builder.DEFAULT_MAX_STALENESS, TokenVerifier.Builder.DEFAULT_INITIAL_RETRY_DELAY,
                TokenVerifier.Builder.DEFAULT_NEGATIVE_KID_TTL, TokenVerifier.Builder.DEFAULT_FETCH_TIMEOUT,
                TokenVerifier.Builder.DEFAULT_MAX_JWKS_BYTES, false);
        int n = p.verifiers();
        this.fleet = new SimulatedVerifier[n];
        this.rejectedUnknownKey = new int[seconds];
        this.rejectedUnavailable = new int[seconds];
    }

    /**
     * Runs one simulated day.
     *
     * @param p the parameters
     * @param jitterOn whether core's refresh timing draws its jitter (off: the middle of every range)
     * @param keys the keys and documents the endpoint publishes
     * @return what the endpoint and the fleet did
     */
    static FleetRun run(FleetParameters p, boolean jitterOn, FleetKeys keys) {
        return new FleetSimulation(p, jitterOn, keys).run();
    }

    private FleetRun run() {
        long began = System.nanoTime();
        long cpuBegan = CPU.getCurrentThreadCpuTime();
        // The simulation's own draws, in a fixed order: identical with jitter on and off.
        SplittableRandom draws = new SplittableRandom(p.seed());
        int n = fleet.length;
        long warmUp = p.warmUp().toMillis();
        long spread = p.restartSpread().toMillis();
        long[] startAt = new long[n];
        long[] restartWithCacheAt = new long[n];
        long[] restartWithoutCacheAt = new long[n];
        for (int i = 0; i < n; i++) {
            fleet[i] = new SimulatedVerifier(this, i, draws.nextLong(tokenPeriodMillis));
            startAt[i] = originMillis + draws.nextLong(warmUp);
            restartWithCacheAt[i] = dayStartMillis + p.restartWithCacheAt().toMillis() + draws.nextLong(spread + 1);
            restartWithoutCacheAt[i] = dayStartMillis + p.restartWithoutCacheAt().toMillis() + draws.nextLong(spread + 1);
        }
        inTimeOrder(startAt, v -> v.start(true, 0));
        inTimeOrder(restartWithCacheAt, v -> v.start(true, 1));
        inTimeOrder(restartWithoutCacheAt, v -> v.start(false, 2));
        // From activation on, tokens carry the new kid: every verifier is checked at that instant.
        at(activationAt, () -> {
            for (SimulatedVerifier v : fleet) {
                observe(v);
            }
        });
        long end = dayStartMillis + p.hours() * 3_600_000L - 1;
        scheduleCensus(end);
        // What the security team reads while the new key spreads (GET /status, GET /metrics).
        document(publishAt + 60_000, "status-publish+1m.json", () -> admin.status(3));
        document(publishAt + 120_000, "metrics-publish+2m.txt", admin::metrics);
        document(publishAt + 600_000, "status-publish+10m.json", () -> admin.status(3));
        scheduler.runUntil(end);
        // Usable keys after a restart: counted from each verifier's own restart, so that the spread says
        // how long a restarted process waits for keys, not how long the restart wave lasted.
        long[] heldNewKeyAt = new long[n];
        long[] recoveredAt = new long[n];
        long[][] usableAfterRestartAt = {new long[n], new long[n]};
        for (SimulatedVerifier v : fleet) {
            heldNewKeyAt[v.index] = v.heldNewKeyAt;
            recoveredAt[v.index] = v.recoveredAt;
            usableAfterRestartAt[0][v.index] = v.usableAfterRestartAt[0];
            usableAfterRestartAt[1][v.index] = v.usableAfterRestartAt[1];
        }
        perVerifier(usableAfterRestartAt[0], restartWithCacheAt, dayStartMillis + p.restartWithCacheAt().toMillis());
        perVerifier(usableAfterRestartAt[1], restartWithoutCacheAt,
                dayStartMillis + p.restartWithoutCacheAt().toMillis());
        return new FleetRun(p, jitterOn, originMillis, dayStartMillis, endpoint.requests, endpoint.full,
                endpoint.notModifiedAnswers, endpoint.refused, endpoint.timeouts, rejectedUnknownKey,
                rejectedUnavailable, heldNewKeyAt, recoveredAt, usableAfterRestartAt[0], usableAfterRestartAt[1],
                scheduler.tasksRun(), System.nanoTime() - began,
                CPU.getCurrentThreadCpuTime() - cpuBegan, pollers[0], pollers[1], pollers[2], tableSize,
                Map.copyOf(documents));
    }

    // A census of the instance table (what the nohop_endpoint_pollers gauges and /status show): every
    // minute while a new publication spreads (from a minute before it to 15 minutes after), every 10
    // minutes otherwise (a census walks the whole table; one a minute all day would add seconds per run).
    private void scheduleCensus(long end) {
        long[] dense = {publishAt, dayStartMillis + p.removalAt().toMillis()};
        new Runnable() {
            {
                at(originMillis + 60_000, this);
            }

            @Override
            public void run() {
                long now = clock.millis();
                admin.advanceTo(now);
                long[] sets = admin.pollersBySet();
                int minute = (int) ((now - originMillis) / 60_000);
                for (int i = 0; i < 3; i++) {
                    pollers[i][minute] = sets[i];
                }
                tableSize[minute] = admin.instances();
                long next = now + 600_000;
                for (long d : dense) {
                    if (now >= d - 60_000 && now < d + 900_000) {
                        next = now + 60_000;
                    } else if (now < d - 60_000) {
                        next = Math.min(next, d - 60_000);
                    }
                }
                if (next <= end) {
                    at(next, this);
                }
            }
        };
    }

    private void document(long atMillis, String name, java.util.function.Supplier<String> render) {
        at(atMillis, () -> {
            admin.advanceTo(clock.millis());
            documents.put(name, render.get());
        });
    }

    /** @return the default instance name of a verifier (re)starting now, drawn as core draws it */
    String nextInstanceName() {
        return VerifierIdentity.random(names).instanceName();
    }

    // One pending task per list rather than one per verifier: it does what is due and re-arms itself for
    // the next instant, so 100,000 start instants an hour ahead cost no heap of 100,000 timers.
    private void inTimeOrder(long[] instants, Consumer<SimulatedVerifier> action) {
        Integer[] order = new Integer[instants.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> instants[i]).thenComparingInt(i -> i));
        new Runnable() {
            private int next;

            {
                if (order.length > 0) {
                    at(instants[order[0]], this);
                }
            }

            @Override
            public void run() {
                long now = clock.millis();
                while (next < order.length && instants[order[next]] <= now) {
                    action.accept(fleet[order[next++]]);
                }
                if (next < order.length) {
                    at(instants[order[next]], this);
                }
            }
        };
    }

    private void at(long epochMillis, Runnable task) {
        scheduler.schedule(task, epochMillis - clock.millis(), TimeUnit.MILLISECONDS);
    }

    /** @return the kid of the key that signs tokens at {@code nowMillis} */
    String signingKid(long nowMillis) {
        return nowMillis >= activationAt ? keys.newKid() : keys.oldKid();
    }

    /**
     * After anything that may change what a verifier can verify: records the first instants it held the
     * new key and had usable keys after a restart, and starts handing it tokens if it cannot verify the
     * current one.
     */
    void observe(SimulatedVerifier v) {
        long now = clock.millis();
        KeySnapshot held = v.keys();
        boolean usable = held.isUsableAt(now);
        if (v.heldNewKeyAt < 0 && now >= publishAt && held.byKid(keys.newKid()) != null) {
            v.heldNewKeyAt = now;
        }
        if (usable && v.restartWave > 0 && v.usableAfterRestartAt[v.restartWave - 1] < 0) {
            v.usableAfterRestartAt[v.restartWave - 1] = now;
        }
        if (!usable || !v.holds(held, signingKid(now))) {
            v.tokensAtRisk();
        }
    }

    /** The endpoint confirmed a verifier's keys (200 or 304). */
    void confirmed(SimulatedVerifier v) {
        long now = clock.millis();
        if (now >= outageEnd && v.recoveredAt < 0) {
            v.recoveredAt = now;
        }
    }

    /**
     * A token was rejected.
     *
     * @param nowMillis when
     * @param unknownKey {@code unknown_key}; else {@code keys_unavailable}
     */
    void tokenRejected(long nowMillis, boolean unknownKey) {
        if (nowMillis < dayStartMillis) {
            return;
        }
        int second = (int) Math.min(rejectedUnknownKey.length - 1, (nowMillis - originMillis) / 1000);
        (unknownKey ? rejectedUnknownKey : rejectedUnavailable)[second]++;
    }

    private static void perVerifier(long[] usableAt, long[] restartedAt, long waveStart) {
        for (int i = 0; i < usableAt.length; i++) {
            if (usableAt[i] >= 0) {
                usableAt[i] = waveStart + usableAt[i] - restartedAt[i];
            }
        }
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, -1);
        return a;
    }

    /**
     * The endpoint serves the same few documents to the whole fleet; each distinct document (by identity:
     * the endpoint and the cache files hand out the same arrays) is decoded once by core's loader and the
     * immutable result shared, instead of parsing and converting the same keys 100,000 times.
     */
    private static final class DecodedOnce implements KeySetDecoder {
        private final Map<byte[], LoadedKeySet> decoded = new IdentityHashMap<>();

        @Override
        public LoadedKeySet decode(byte[] document) throws InvalidKeySetException {
            LoadedKeySet keys = decoded.get(document);
            if (keys == null) {
                keys = KeySetDecoder.JWKS.decode(document);
                decoded.put(document, keys);
            }
            return keys;
        }
    }

    /** Jitter off: every draw is the middle of its range. */
    private static final class MiddleOfTheRange implements RandomGenerator {
        @Override
        public long nextLong() {
            return Long.MIN_VALUE;    // (nextLong() >>> 11) * 2^-53 = 0.5
        }

        @Override
        public double nextDouble() {
            return 0.5;
        }
    }
}
