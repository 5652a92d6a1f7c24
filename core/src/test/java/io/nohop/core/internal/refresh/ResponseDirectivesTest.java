package io.nohop.core.internal.refresh;

import io.nohop.core.internal.LogText;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResponseDirectivesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (k, v) -> true);
    }

    private static Optional<Duration> freshness(String cacheControl) {
        return ResponseDirectives.freshness(headers(Map.of("Cache-Control", List.of(cacheControl))));
    }

    @Test
    void maxAgeAmongOtherDirectives() {
        assertEquals(Optional.of(Duration.ofSeconds(300)), freshness("public, max-age=300"));
        assertEquals(Optional.of(Duration.ofSeconds(60)), freshness("Max-Age=\"60\", must-revalidate"));
    }

    @Test
    void ageIsSubtractedFromMaxAge() {
        assertEquals(Optional.of(Duration.ofSeconds(200)), ResponseDirectives.freshness(headers(Map.of(
                "Cache-Control", List.of("max-age=300"), "Age", List.of("100")))));
        assertEquals(Optional.of(Duration.ZERO), ResponseDirectives.freshness(headers(Map.of(
                "Cache-Control", List.of("max-age=300"), "Age", List.of("400")))));
    }

    @Test
    void malformedMaxAgeCountsAsAbsent() {
        assertEquals(Optional.empty(), freshness("max-age=-5"));
        assertEquals(Optional.empty(), freshness("max-age=1e3"));
        assertEquals(Optional.empty(), freshness("max-age="));
        assertEquals(Optional.empty(), freshness("public"));
    }

    @Test
    void noCacheAndNoStoreMeanZero() {
        assertEquals(Optional.of(Duration.ZERO), freshness("no-cache"));
        assertEquals(Optional.of(Duration.ZERO), freshness("max-age=600, no-store"));
    }

    @Test
    void anAbsurdMaxAgeIsVeryLongNotAnOverflow() {
        assertEquals(true, freshness("max-age=99999999999999999999999").orElseThrow().toDays() > 10_000);
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), ResponseDirectives.retryAfter(
                headers(Map.of("Retry-After", List.of("120"))), NOW));
        assertEquals(Optional.of(Duration.ofMinutes(10)), ResponseDirectives.retryAfter(
                headers(Map.of("Retry-After", List.of("Tue, 1 Jan 2030 00:10:00 GMT"))), NOW));
        assertEquals(Optional.of(Duration.ZERO), ResponseDirectives.retryAfter(
                headers(Map.of("Retry-After", List.of("Mon, 31 Dec 2029 23:00:00 GMT"))), NOW));
        assertEquals(Optional.empty(), ResponseDirectives.retryAfter(
                headers(Map.of("Retry-After", List.of("soon"))), NOW));
    }

    @Test
    void logTextEscapesControlCharactersAndCapsLength() {
        assertEquals("a?b?c", LogText.escape("a\nb\u2028c"));
        assertEquals(LogText.MAX_LENGTH + 3, LogText.escape("k".repeat(1000)).length());
        assertEquals("(none)", LogText.escape(null));
    }
}
