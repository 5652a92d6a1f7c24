package io.nohop.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each builder setting checks its value at once, with the value in the message; build() checks L >= 2 x max-age. */
class BuilderTest {

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT0.5S", "PT1.5S", "PT24H1S", "PT-1S"})
    void maxAge_outOfRangeOrNotWholeSeconds_isRefusedNamingIt(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NohopIssuerExtension.builder().maxAge(Duration.parse(value)));

        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT2.5S", "PT24H1S"})
    void publishLead_outOfRangeOrNotWholeSeconds_isRefusedNamingIt(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NohopIssuerExtension.builder().publishLead(Duration.parse(value)));

        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void build_aPublishLeadBelowTwiceTheMaxAge_isRefusedNamingBoth() {
        NohopIssuerExtension.Builder builder = NohopIssuerExtension.builder().maxAge(Duration.ofSeconds(2))
                .publishLead(Duration.ofSeconds(3));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("PT3S") && e.getMessage().contains("PT2S"), e.getMessage());
    }

    @Test
    void build_aPublishLeadOfExactlyTwiceTheMaxAge_isAccepted() {
        NohopIssuerExtension.builder().maxAge(Duration.ofSeconds(2)).publishLead(Duration.ofSeconds(4)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "orders", "/relative", "not a uri"})
    void issuer_notAnAbsoluteUri_isRefusedNamingIt(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NohopIssuerExtension.builder().issuer(value));

        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void audience_blankOrTheWrongAudienceValue_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> NohopIssuerExtension.builder().audience(" "));
        assertThrows(IllegalArgumentException.class,
                () -> NohopIssuerExtension.builder().audience(NohopIssuerExtension.WRONG_AUDIENCE));
    }

    @Test
    void nullValues_areRefusedNamingTheSetting() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> NohopIssuerExtension.builder().maxAge(null));

        assertEquals("maxAge", e.getMessage());
    }

    @Test
    void defaults_publishLeadIsAtLeastTwiceTheMaxAge() {
        assertTrue(NohopIssuerExtension.DEFAULT_PUBLISH_LEAD.compareTo(NohopIssuerExtension.DEFAULT_MAX_AGE.multipliedBy(2)) >= 0);
    }
}
