package io.nohop.examples.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything that shapes a fleet simulation, printed with its output so that a run can be repeated.
 * Instants are offsets from the start of the simulated day; the fleet comes up during the warm-up
 * before it. The verifiers use the builder's defaults throughout (refresh bounds 30 s / 1 h, staleness
 * 24 h, first retry 1 s, fetch timeout 10 s).
 *
 * @param verifiers the fleet size
 * @param hours the simulated day, in hours (what is measured)
 * @param warmUp before the day: each verifier starts at a random instant of it (one draw per verifier)
 * @param seed the seed of every random draw: the simulation's own (start instants, token phases, restart
 *             instants) and the verifiers' jitter
 * @param maxAge the endpoint's {@code Cache-Control: max-age} ({@code nohop serve}'s default: 5 min)
 * @param capacity requests per second the endpoint answers (one FIFO queue)
 * @param publishAt when the planned rotation publishes the new key
 * @param lead the publish lead L: the new key signs from {@code publishAt + lead}
 * @param tokenLifetime T: the old key stays published until activation + T + skew
 * @param skew S, see {@code tokenLifetime}
 * @param outageAt when the endpoint goes down (connections refused)
 * @param outageFor how long it stays down
 * @param restartWithCacheAt when the whole fleet restarts, each verifier with its cache file
 * @param restartWithoutCacheAt when the whole fleet restarts again, without cache files
 * @param restartSpread each verifier restarts at a random instant within this span of the restart's start
 * @param tokenPeriod each verifier is handed a token this often (signed by the key active at that instant)
 * @param out where the CSV and the chart go
 */
public record FleetParameters(int verifiers, int hours, Duration warmUp, long seed, Duration maxAge, int capacity,
                              Duration publishAt, Duration lead, Duration tokenLifetime, Duration skew,
                              Duration outageAt, Duration outageFor, Duration restartWithCacheAt,
                              Duration restartWithoutCacheAt, Duration restartSpread, Duration tokenPeriod,
                              Path out) {

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    /**
     * The full run: 100,000 verifiers, 24 hours.
     *
     * @return the defaults
     */
    public static FleetParameters defaults() {
        return new FleetParameters(100_000, 24, Duration.ofHours(1), 1, Duration.ofMinutes(5), 12_000,
                Duration.ofHours(4), Duration.ofHours(2), Duration.ofHours(1), Duration.ofSeconds(60),
                Duration.ofHours(8), Duration.ofHours(2), Duration.ofHours(13), Duration.ofHours(18),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Path.of("target", "fleet"));
    }

    /**
     * The short run for tests: the same day and timeline with 1,000 verifiers, and the endpoint's
     * capacity scaled down with the fleet (so that a restart loads it as much as in the full run).
     *
     * @return the short-run parameters
     */
    public static FleetParameters shortRun() {
        FleetParameters d = defaults();
        int verifiers = 1_000;
        return d.with(verifiers, Math.max(1, (int) ((long) d.capacity * verifiers / d.verifiers)), d.seed);
    }

    /**
     * @param fleet another fleet size
     * @param endpointCapacity another capacity
     * @param otherSeed another seed
     * @return these parameters with those three changed
     */
    public FleetParameters with(int fleet, int endpointCapacity, long otherSeed) {
        return new FleetParameters(fleet, hours, warmUp, otherSeed, maxAge, endpointCapacity, publishAt, lead,
                tokenLifetime, skew, outageAt, outageFor, restartWithCacheAt, restartWithoutCacheAt, restartSpread,
                tokenPeriod, out);
    }

    /**
     * Checks that the timeline fits in the day and the numbers in this machine.
     *
     * @param verifiers see the record description
     * @param hours see the record description
     * @param warmUp see the record description
     * @param seed see the record description
     * @param maxAge see the record description
     * @param capacity see the record description
     * @param publishAt see the record description
     * @param lead see the record description
     * @param tokenLifetime see the record description
     * @param skew see the record description
     * @param outageAt see the record description
     * @param outageFor see the record description
     * @param restartWithCacheAt see the record description
     * @param restartWithoutCacheAt see the record description
     * @param restartSpread see the record description
     * @param tokenPeriod see the record description
     * @param out see the record description
     */
    public FleetParameters {
        check(verifiers >= 1 && verifiers <= 1_000_000, "--verifiers must be 1..1000000: " + verifiers);
        check(hours >= 1 && hours <= 72, "--hours must be 1..72: " + hours);
        check(capacity >= 1 && capacity <= 10_000_000, "--capacity must be 1..10000000 requests per second: "
                + capacity);
        check(!warmUp.isNegative() && !warmUp.isZero(), "--warm-up must be positive");
        check(maxAge.toMillis() >= 1000 && maxAge.toMillis() % 1000 == 0, "--max-age must be whole seconds, at least 1 s");
        check(!tokenPeriod.isNegative() && tokenPeriod.toMillis() >= 1, "--token-period must be at least 1 ms");
        Duration day = Duration.ofHours(hours);
        Duration removal = publishAt.plus(lead).plus(tokenLifetime).plus(skew);
        check(!publishAt.isNegative() && removal.compareTo(day) < 0,
                "the rotation (publish, activation, removal of the old key) must fit in the day");
        check(!outageAt.isNegative() && !outageFor.isNegative() && outageAt.plus(outageFor).compareTo(day) <= 0,
                "the outage must fit in the day");
        check(!restartWithCacheAt.isNegative() && restartWithCacheAt.compareTo(day) < 0
                && !restartWithoutCacheAt.isNegative() && restartWithoutCacheAt.compareTo(day) < 0,
                "the restarts must fall within the day");
        check(!restartSpread.isNegative() && restartSpread.compareTo(Duration.ofHours(1)) <= 0,
                "--restart-spread must be 0..1h");
    }

    /**
     * Reads {@code --name value} options over the defaults ({@code --short} first switches to the short
     * run). Durations are {@code <number><unit>} with unit ms, s, m, h or d.
     *
     * @param args the command line
     * @return the parameters
     * @throws IllegalArgumentException on an unknown option or a bad value
     */
    public static FleetParameters parse(String... args) {
        List<String> list = new ArrayList<>(List.of(args));
        list.removeIf(String::isBlank);
        FleetParameters p = list.remove("--short") ? shortRun() : defaults();
        if (list.size() % 2 != 0) {
            throw new IllegalArgumentException("options take one value each: " + list);
        }
        int verifiers = p.verifiers;
        int hours = p.hours;
        Duration warmUp = p.warmUp;
        long seed = p.seed;
        Duration maxAge = p.maxAge;
        int capacity = p.capacity;
        Duration publishAt = p.publishAt;
        Duration lead = p.lead;
        Duration tokenLifetime = p.tokenLifetime;
        Duration skew = p.skew;
        Duration outageAt = p.outageAt;
        Duration outageFor = p.outageFor;
        Duration restartWith = p.restartWithCacheAt;
        Duration restartWithout = p.restartWithoutCacheAt;
        Duration spread = p.restartSpread;
        Duration tokenPeriod = p.tokenPeriod;
        Path out = p.out;
        for (int i = 0; i < list.size(); i += 2) {
            String name = list.get(i);
            String value = list.get(i + 1);
            switch (name) {
                case "--verifiers" -> verifiers = integer(name, value);
                case "--hours" -> hours = integer(name, value);
                case "--warm-up" -> warmUp = duration(name, value);
                case "--seed" -> seed = integer(name, value);
                case "--max-age" -> maxAge = duration(name, value);
                case "--capacity" -> capacity = integer(name, value);
                case "--publish-at" -> publishAt = duration(name, value);
                case "--lead" -> lead = duration(name, value);
                case "--token-lifetime" -> tokenLifetime = duration(name, value);
                case "--skew" -> skew = duration(name, value);
                case "--outage-at" -> outageAt = duration(name, value);
                case "--outage-for" -> outageFor = duration(name, value);
                case "--restart-with-cache-at" -> restartWith = duration(name, value);
                case "--restart-without-cache-at" -> restartWithout = duration(name, value);
                case "--restart-spread" -> spread = duration(name, value);
                case "--token-period" -> tokenPeriod = duration(name, value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new FleetParameters(verifiers, hours, warmUp, seed, maxAge, capacity, publishAt, lead, tokenLifetime,
                skew, outageAt, outageFor, restartWith, restartWithout, spread, tokenPeriod, out);
    }

    /**
     * The options that repeat this run.
     *
     * @return a command-line fragment
     */
    public String asOptions() {
        return "--verifiers " + verifiers + " --hours " + hours + " --warm-up " + text(warmUp) + " --seed " + seed
                + " --max-age " + text(maxAge) + " --capacity " + capacity + " --publish-at " + text(publishAt)
                + " --lead " + text(lead) + " --token-lifetime " + text(tokenLifetime) + " --skew " + text(skew)
                + " --outage-at " + text(outageAt) + " --outage-for " + text(outageFor)
                + " --restart-with-cache-at " + text(restartWithCacheAt)
                + " --restart-without-cache-at " + text(restartWithoutCacheAt)
                + " --restart-spread " + text(restartSpread) + " --token-period " + text(tokenPeriod)
                + " --out " + out;
    }

    /** @return when the new key starts signing, from the start of the day */
    Duration activationAt() {
        return publishAt.plus(lead);
    }

    /** @return when the old key leaves the published set, from the start of the day */
    Duration removalAt() {
        return activationAt().plus(tokenLifetime).plus(skew);
    }

    /** @return when the endpoint is back, from the start of the day */
    Duration outageEnd() {
        return outageAt.plus(outageFor);
    }

    /**
     * @param d a duration of whole milliseconds
     * @return it in the largest unit that divides it ({@code 2h}, {@code 90s}, {@code 250ms})
     */
    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static Duration duration(String name, String value) {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " needs a duration such as 90s, 5m or 2h: '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number: '" + value + "'", e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
