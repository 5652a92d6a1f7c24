package io.nohop.keys.server.internal;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PublicationHistoryTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static PublicationHistory threePublications() {
        PublicationHistory history = new PublicationHistory("\"set-1\"", List.of("a"), T0);
        history.publish("\"set-2\"", List.of("a", "b"), T0.plusSeconds(60));
        history.publish("\"set-3\"", List.of("b"), T0.plusSeconds(120));
        return history;
    }

    @Test
    void generationOf_currentValidatorAlone_isCurrentGeneration() {
        assertEquals(3, threePublications().generationOf(List.of("\"set-3\"")));
    }

    @Test
    void generationOf_earlierValidator_isItsGeneration() {
        assertEquals(1, threePublications().generationOf(List.of("\"set-1\"")));
    }

    @Test
    void generationOf_listInOneHeader_isNewestGenerationNamed() {
        assertEquals(2, threePublications().generationOf(List.of("\"set-1\", W/\"set-2\" ,\"nope\"")));
    }

    @Test
    void generationOf_currentAmongOthers_isCurrentGeneration() {
        assertEquals(3, threePublications().generationOf(List.of("\"nope\"", "\"set-1\",  \"set-3\"")));
    }

    @Test
    void generationOf_weakCurrentValidator_isCurrentGeneration() {
        assertEquals(3, threePublications().generationOf(List.of("W/\"set-3\"")));
    }

    @Test
    void generationOf_star_isCurrentGeneration() {
        assertEquals(3, threePublications().generationOf(List.of("*")));
    }

    @Test
    void generationOf_unknownValidator_isPresentedUnknown() {
        assertEquals(InstanceTable.PRESENTED_UNKNOWN, threePublications().generationOf(List.of("\"made-up\"")));
    }

    @Test
    void generationOf_noHeader_isPresentedNone() {
        assertEquals(InstanceTable.PRESENTED_NONE, threePublications().generationOf(List.of()));
    }
}
