package io.nohop.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code instanceName} (issue 11) is checked at once: exactly the names of 1 to 64 visible ASCII
 * characters are accepted — what the key endpoint keeps, and what travels in a header unaltered —
 * and a refusal names the option and quotes the name, escaped.
 */
class InstanceNamePropertyTest {

    @Provide
    Arbitrary<String> goodNames() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(64);
    }

    @Provide
    Arbitrary<String> namesWithABadCharacter() {
        Arbitrary<String> visible = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30);
        Arbitrary<Character> bad = Arbitraries.oneOf(
                Arbitraries.chars().range('\u0000', ' '),
                Arbitraries.of('\u007f', '\u00e9', '\u2028', '\ufeff'),
                Arbitraries.chars().range('\u0080', '\uffff'));
        return Combinators.combine(visible, bad, visible).as((a, c, b) -> a + c + b);
    }

    @Property
    void visibleAsciiUpTo64_accepted(@ForAll("goodNames") String name) {
        TokenVerifier.builder().instanceName(name);
    }

    @Property
    void anyOtherCharacter_refused(@ForAll("namesWithABadCharacter") String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.builder().instanceName(name));
        assertTrue(e.getMessage().startsWith("instanceName must be 1 to 64 visible ASCII characters"), e.getMessage());
    }

    @Example
    void empty_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.builder().instanceName(""));
        assertTrue(e.getMessage().contains("'' (0 characters)"), e.getMessage());
    }

    @Example
    void sixtyFiveCharacters_refusedNamingTheLength() {
        String name = "a".repeat(65);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.builder().instanceName(name));
        assertTrue(e.getMessage().contains("(65 characters)"), e.getMessage());
    }

    @Example
    void aSpace_refusedQuotingTheName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.builder().instanceName("orders 7f9c"));
        assertTrue(e.getMessage().contains("'orders 7f9c'"), e.getMessage());
    }

    @Example
    void aLineBreak_refusedWithoutPuttingItInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.builder().instanceName("orders\r\nX-Evil: 1"));
        assertTrue(e.getMessage().contains("'orders??X-Evil: 1'"), e.getMessage());
    }

    @Example
    void null_refused() {
        assertThrows(NullPointerException.class, () -> TokenVerifier.builder().instanceName(null));
    }

    @Example
    void setTwice_refusedNamingTheFirst() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TokenVerifier.builder().instanceName("a").instanceName("b"));
        assertEquals("instanceName was already set to a", e.getMessage());
    }
}
