package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"250ms,PT0.25S", "90s,PT1M30S", "5m,PT5M", "2h,PT2H", "30d,PT720H", "0s,PT0S", "PT5M,PT5M", "P1D,PT24H", "P2W,PT336H"})
    void parse_wholeNumberWithUnitOrIso_accepted(String text, String expected) {
        assertEquals(Duration.parse(expected), DurationConverter.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "1.5h", "-5m", "5 m", " 5m", "5m ", "5M", "5min", "", "m", "-PT5M", "PT-5M", "P",
        "99999999999999999999d", "106751991167301d", "5s5m", "P1W2D", "PW", "P-1W", "P99999999999999999W"})
    void parse_anythingElse_usageError(String text) {
        assertThrows(TypeConversionException.class, () -> DurationConverter.parse(text));
    }
}
