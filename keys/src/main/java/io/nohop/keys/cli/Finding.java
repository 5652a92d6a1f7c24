package io.nohop.keys.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One finding of {@code nohop doctor}: how bad, which check, what is wrong (or right), what to do.
 *
 * @param severity how bad
 * @param check a stable dotted name ({@code caching.etag}); the list is in keys/README.md
 * @param message what was found; any text from the endpoint or the token is already escaped
 * @param action what to do, when something should be done
 */
record Finding(Severity severity, String check, String message, Optional<String> action) {

    /** How bad a finding is; only {@link #ERROR} means that verification would break (exit 1). */
    enum Severity {
        ERROR, WARNING, NOTE, OK;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(action, "action");
    }

    static Finding ok(String check, String message) {
        return new Finding(Severity.OK, check, message, Optional.empty());
    }

    static Finding note(String check, String message, String action) {
        return new Finding(Severity.NOTE, check, message, Optional.of(action));
    }

    static Finding warning(String check, String message, String action) {
        return new Finding(Severity.WARNING, check, message, Optional.of(action));
    }

    static Finding error(String check, String message, String action) {
        return new Finding(Severity.ERROR, check, message, Optional.of(action));
    }

    /** The line printed without --json: {@code severity check: message[. Do: action]}. */
    String line() {
        return String.format(Locale.ROOT, "%-7s %s: %s%s", severity.label(), check, message,
                action.map(a -> ". Do: " + a).orElse(""));
    }

    /** The members of the --json object, in their documented order; {@code action} is null when there is none. */
    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("severity", severity.label());
        json.put("check", check);
        json.put("message", message);
        json.put("action", action.orElse(null));
        return json;
    }
}
