package io.nohop.core.internal.refresh;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCacheStateTest {

    /** The allocation-free comparison decides as the sum would, nanoseconds and carries included. */
    @Property(tries = 2000)
    void endsAfter_anyInstantsAndLength_decidesAsThePlusDoes(
            @ForAll @LongRange(min = -4_000_000_000L, max = 4_000_000_000L) long startSeconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int startNanos,
            @ForAll @LongRange(min = -100_000, max = 100_000) long lengthSeconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int lengthNanos,
            @ForAll @LongRange(min = -3, max = 3) long otherOffsetSeconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int otherNanos) {
        Instant start = Instant.ofEpochSecond(startSeconds, startNanos);
        Duration length = Duration.ofSeconds(lengthSeconds, lengthNanos);
        Instant other = Instant.ofEpochSecond(start.plus(length).getEpochSecond() + otherOffsetSeconds, otherNanos);
        assertEquals(start.plus(length).isAfter(other), KeyCacheState.endsAfter(start, length, other));
    }

    @Test
    void endsAfter_equalSum_isNotAfter() {
        Instant start = Instant.parse("2030-01-01T00:00:00.9Z");
        assertFalse(KeyCacheState.endsAfter(start, Duration.ofMillis(200), Instant.parse("2030-01-01T00:00:01.1Z")));
        assertTrue(KeyCacheState.endsAfter(start, Duration.ofMillis(201), Instant.parse("2030-01-01T00:00:01.1Z")));
    }

    @Test
    void endsAfter_sumBeyondLongSeconds_isAfter() {
        assertTrue(KeyCacheState.endsAfter(Instant.MAX, Duration.ofSeconds(Long.MAX_VALUE), Instant.MAX));
    }
}
