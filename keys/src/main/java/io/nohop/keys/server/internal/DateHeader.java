package io.nohop.keys.server.internal;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The {@code Date} response header (RFC 9110 §6.6.1), formatted at most once per second. */
public final class DateHeader {
    /**
     * IMF-fixdate, the one form a sender may use (RFC 9110 §5.6.7): a two-digit day. The JDK's RFC_1123_DATE_TIME
     * writes "1 Dec", which strict parsers (Go's http.ParseTime among them) refuse.
     */
    static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT);

    private final Clock clock;
    private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private record Cached(long second, String text) { }

    /**
     * Creates a source of {@code Date} values.
     *
     * @param clock the time source
     */
    public DateHeader(Clock clock) {
        this.clock = clock;
    }

    /**
     * Returns the current {@code Date} value.
     *
     * @return the current {@code Date} value
     */
    public String now() {
        long second = clock.millis() / 1000;
        Cached c = cached;
        if (c.second() != second) {
            c = new Cached(second, IMF_FIXDATE.format(java.time.Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
            cached = c;
        }
        return c.text();
    }
}
