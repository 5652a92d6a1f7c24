package io.nohop.keys.internal;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSafeTest {

    @Property
    void printable_anyText_onlyPrintableAsciiWithinTheCap(@ForAll String text, @ForAll @IntRange(max = 300) int max) {
        String shown = LogSafe.printable(text, max);
        assertEquals(Math.min(text.length(), max), shown.length());
        assertTrue(shown.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), shown);
    }

    @Property
    void printable_printableAscii_keptAsIs(@ForAll("printableAscii") String text) {
        assertEquals(text, LogSafe.printable(text, text.length()));
    }

    @Provide
    Arbitrary<String> printableAscii() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200);
    }

    @Test
    void printable_lineBreaksAndNonAscii_becomeQuestionMarks() {
        assertEquals("a?b?c?", LogSafe.printable("a\nb\u2028c\u00e9", 10));
    }

    @Test
    void printable_null_isEmpty() {
        assertEquals("", LogSafe.printable(null, 10));
        assertEquals("", LogSafe.text(null));
    }

    @Test
    void text_longerThan120_cutWithEllipsis() {
        assertEquals("x".repeat(120) + "...", LogSafe.text("x".repeat(121)));
        assertEquals("x".repeat(120), LogSafe.text("x".repeat(120)));
    }
}
