package io.nohop.keys.cli;

import java.time.Duration;
import java.time.Instant;

/** Rounds the time until an instant to the largest sensible unit, for the list table. */
final class HumanDuration {

    private HumanDuration() {
    }

    static String of(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        if (d.toDays() >= 2) {
            return d.toDays() + "d";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() >= 2) {
            return d.toMinutes() + "m";
        }
        return Math.max(0, d.toSeconds()) + "s";
    }
}
