package io.nohop.core.internal.refresh;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the timing directives of an HTTP response: how long the body stays fresh
 * ({@code Cache-Control: max-age} minus {@code Age}) and when to come back after a 429 or 503
 * ({@code Retry-After}). Anything malformed counts as absent: the caller then falls back to its
 * defaults, which are always bounded.
 */
final class ResponseDirectives {
    // More digits than this would overflow or mean "forever"; either way the caller clamps.
    private static final int MAX_DIGITS = 10;
    private static final Duration VERY_LONG = Duration.ofSeconds(9_999_999_999L);

    private ResponseDirectives() {
    }

    /**
     * @param headers response headers
     * @return the remaining freshness lifetime the response declares; zero for {@code no-cache} /
     *         {@code no-store}; empty when it declares none
     */
    static Optional<Duration> freshness(HttpHeaders headers) {
        Optional<Duration> maxAge = Optional.empty();
        for (String value : headers.allValues("Cache-Control")) {
            for (String directive : value.split(",")) {
                String d = directive.trim();
                int eq = d.indexOf('=');
                String name = (eq < 0 ? d : d.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                if (name.equals("no-cache") || name.equals("no-store")) {
                    return Optional.of(Duration.ZERO);
                }
                if (name.equals("max-age") && eq > 0 && maxAge.isEmpty()) {
                    maxAge = seconds(unquote(d.substring(eq + 1).trim()));
                }
            }
        }
        if (maxAge.isEmpty()) {
            return maxAge;
        }
        Duration age = headers.firstValue("Age").flatMap(a -> seconds(a.trim())).orElse(Duration.ZERO);
        Duration remaining = maxAge.get().minus(age);
        return Optional.of(remaining.isNegative() ? Duration.ZERO : remaining);
    }

    /**
     * @param headers response headers
     * @param now the current instant, to turn an HTTP-date into a delay
     * @return the delay the server asked for (delta-seconds or HTTP-date; a date in the past is zero);
     *         empty when absent or malformed
     */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> header = headers.firstValue("Retry-After").map(String::trim);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get();
        Optional<Duration> delta = seconds(value);
        if (delta.isPresent()) {
            return delta;
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration until = Duration.between(now, at);
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static Optional<Duration> seconds(String digits) {
        if (digits.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
        }
        if (digits.length() > MAX_DIGITS) {
            return Optional.of(VERY_LONG);
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(digits)));
    }
}
