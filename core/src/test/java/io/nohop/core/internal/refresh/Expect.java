package io.nohop.core.internal.refresh;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Range assertions JUnit lacks. */
final class Expect {
    private Expect() {
    }

    static void between(Instant actual, Instant low, Instant high) {
        assertTrue(!actual.isBefore(low) && !actual.isAfter(high), actual + " not in [" + low + ", " + high + "]");
    }

    static void between(Duration actual, Duration low, Duration high) {
        assertTrue(actual.compareTo(low) >= 0 && actual.compareTo(high) <= 0,
                actual + " not in [" + low + ", " + high + "]");
    }

    static Duration scaled(Duration d, double factor) {
        return Duration.ofMillis((long) (d.toMillis() * factor));
    }
}
