package io.nohop.keys.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses DURATION arguments: a whole {@code <number><unit>} with unit {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} ({@code 90s}, {@code 5m}), or an ISO-8601 duration
 * ({@code PT5M}). Anything else — no unit, a fraction, a sign, a space — is a usage error.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SIMPLE = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    /** ISO-8601's week form, which {@link Duration#parse} does not read: {@code P2W}, alone as the standard has it. */
    private static final Pattern ISO_WEEKS = Pattern.compile("[Pp]([0-9]+)[Ww]");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String text) {
        Matcher m = SIMPLE.matcher(text);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            Matcher weeks = ISO_WEEKS.matcher(text);
            if (weeks.matches()) {
                return Duration.ofDays(Math.multiplyExact(Long.parseLong(weeks.group(1)), 7));
            }
            if (text.length() > 1 && (text.charAt(0) == 'P' || text.charAt(0) == 'p')) {
                Duration d = Duration.parse(text);
                if (!d.isNegative()) {
                    return d;
                }
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            // Falls through to the one error message below.
        }
        throw new TypeConversionException("'" + text + "' is not a DURATION (use a whole <number><unit> with unit"
                + " ms, s, m, h or d, such as 90s or 5m, or ISO-8601 such as PT5M)");
    }
}
