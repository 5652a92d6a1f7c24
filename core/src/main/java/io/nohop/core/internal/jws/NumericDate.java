package io.nohop.core.internal.jws;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * RFC 7519 NumericDate: seconds since the epoch, possibly fractional, limited here to
 * 0 … 253402300799 (the end of year 9999) so that every accepted value fits an {@code Instant} and a
 * {@code long} of milliseconds.
 */
public final class NumericDate {
    /** The last second of year 9999, UTC. */
    public static final long MAX_SECONDS = 253_402_300_799L;

    /** Returned for a value that is not a NumericDate in range. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final BigDecimal MAX = BigDecimal.valueOf(MAX_SECONDS);

    private NumericDate() {
    }

    /**
     * @param value a parsed JSON value
     * @return milliseconds since the epoch (fractions of a millisecond truncated), or {@link #INVALID}
     */
    public static long toMillis(Object value) {
        if (value instanceof Long) {
            long seconds = (Long) value;
            return seconds >= 0 && seconds <= MAX_SECONDS ? seconds * 1000 : INVALID;
        }
        if (value instanceof BigDecimal) {
            BigDecimal seconds = (BigDecimal) value;
            if (seconds.signum() < 0 || seconds.compareTo(MAX) > 0) {
                return INVALID;
            }
            // precision - scale is the count of integer digits; below -3 the value is under a millisecond.
            // Checking it first keeps an attacker's 1E-999999999 from costing a huge division.
            if (seconds.signum() == 0 || seconds.precision() - seconds.scale() < -3) {
                return 0;
            }
            return seconds.movePointRight(3).setScale(0, RoundingMode.DOWN).longValueExact();
        }
        return INVALID;
    }
}
