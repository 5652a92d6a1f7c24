package io.nohop.keys;

import java.time.Duration;

/** Formats durations the way the tool accepts them ({@code 90s}, {@code 2h}), for messages. */
final class Durations {

    private Durations() {
    }

    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        long millis = d.toMillis();
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1_000L == 0) {
            return millis / 1_000L + "s";
        }
        return millis + "ms";
    }
}
