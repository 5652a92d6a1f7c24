package io.nohop.keys.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DateHeaderTest {

    @Test
    void now_singleDigitDay_writtenWithTwoDigits() {
        DateHeader date = new DateHeader(Clock.fixed(Instant.parse("2026-12-01T05:51:30Z"), ZoneOffset.UTC));
        assertEquals("Tue, 01 Dec 2026 05:51:30 GMT", date.now());
    }

    /** Any instant: IMF-fixdate's fixed 29 characters, read back to the same second by the RFC 1123 parser. */
    @Property
    void now_anyInstant_imfFixdateThatReadsBack(@ForAll @LongRange(min = 0, max = 253402300799L) long epochSecond) {
        String text = new DateHeader(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC)).now();
        assertEquals(29, text.length(), text);
        assertTrue(text.matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"), text);
        assertEquals(epochSecond, Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(text)).getEpochSecond());
    }
}
