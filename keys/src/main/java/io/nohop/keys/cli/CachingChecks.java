package io.nohop.keys.cli;

import io.nohop.core.TokenVerifier;
import io.nohop.keys.StoreSnapshot;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code caching.*} checks of {@code nohop doctor}: what the endpoint's Cache-Control makes verifiers do,
 * whether a refresh can be conditional (tried for real, not read off the headers), and whether the store's
 * publish lead covers the max-age actually sent. Judged against the verifier's own refresh bounds so the
 * doctor and the verifier agree on what a header means.
 */
final class CachingChecks {

    private final Consumer<Finding> findings;

    /**
     * Checks for one doctor run.
     *
     * @param findings where findings go, in the order they are made (the doctor's list)
     */
    CachingChecks(Consumer<Finding> findings) {
        this.findings = findings;
    }

    /** Cache-Control, ETag and a real conditional GET; returns the max-age the endpoint sends. */
    Optional<Duration> check(HttpProbe probe, URI uri, HttpProbe.Answer answer, String accept)
            throws InterruptedException {
        Optional<Duration> maxAge = Optional.empty();
        boolean noCache = false;
        for (String value : answer.headers().allValues("Cache-Control")) {
            for (String directive : value.split(",")) {
                String d = directive.trim().toLowerCase(Locale.ROOT);
                if (d.equals("no-cache") || d.equals("no-store")) {
                    noCache = true;
                } else if (d.startsWith("max-age=") && maxAge.isEmpty()) {
                    String digits = d.substring("max-age=".length()).replace("\"", "");
                    if (digits.matches("[0-9]{1,10}")) {
                        maxAge = Optional.of(Duration.ofSeconds(Long.parseLong(digits)));
                    }
                }
            }
        }
        Duration floor = TokenVerifier.Builder.DEFAULT_MIN_REFRESH;
        Duration ceiling = TokenVerifier.Builder.DEFAULT_MAX_REFRESH;
        if (noCache) {
            add(Finding.warning("caching.max_age", "Cache-Control says no-cache/no-store: verifiers refresh at their"
                    + " floor, every " + Doctor.human(floor), "send Cache-Control: public, max-age=N (nohop serve sends"
                    + " max-age=300)."));
        } else if (maxAge.isEmpty()) {
            add(Finding.warning("caching.max_age", "no Cache-Control max-age: verifiers refresh every "
                    + Doctor.human(TokenVerifier.Builder.DEFAULT_REFRESH) + " (their default)",
                    "send Cache-Control: public, max-age=N between " + Doctor.human(floor) + " and "
                            + Doctor.human(ceiling) + "."));
        } else if (maxAge.get().compareTo(floor) < 0 || maxAge.get().compareTo(ceiling) > 0) {
            Duration used = maxAge.get().compareTo(floor) < 0 ? floor : ceiling;
            add(Finding.warning("caching.max_age", "max-age=" + maxAge.get().toSeconds() + " is outside the verifier's"
                    + " refresh bounds (" + Doctor.human(floor) + " to " + Doctor.human(ceiling) + "): verifiers refresh every "
                    + Doctor.human(used) + " instead",
                    "send a max-age between " + Doctor.human(floor) + " and " + Doctor.human(ceiling) + "."));
        } else {
            add(Finding.ok("caching.max_age", "max-age=" + maxAge.get().toSeconds() + " is within the verifier's"
                    + " refresh bounds (" + Doctor.human(floor) + " to " + Doctor.human(ceiling) + ")"));
        }
        Optional<String> etag = answer.header("ETag");
        Optional<String> lastModified = answer.header("Last-Modified");
        Map<String, String> conditional;
        if (etag.isPresent()) {
            add(Finding.ok("caching.etag", "ETag " + Doctor.escape(etag.get())));
            conditional = Map.of("If-None-Match", etag.get());
        } else if (lastModified.isPresent()) {
            add(Finding.note("caching.etag", "no ETag; Last-Modified is sent, so refreshes can still be conditional",
                    "send a strong ETag as well: it is exact where a date has one-second resolution."));
            conditional = Map.of("If-Modified-Since", lastModified.get());
        } else {
            add(Finding.warning("caching.etag", "neither ETag nor Last-Modified: every refresh downloads the whole"
                    + " key set", "send a strong ETag and answer If-None-Match with 304."));
            return maxAge;
        }
        if (!isSafeHeaderValue(conditional.values().iterator().next())) {
            add(Finding.warning("caching.conditional_get", "the validator holds characters that cannot be sent back",
                    "send a plain quoted ETag."));
            return maxAge;
        }
        HttpProbe.Outcome again = probe.get(uri, accept, conditional);
        if (again.answer().isPresent() && again.answer().get().status() == 304) {
            add(Finding.ok("caching.conditional_get", "a conditional GET (" + conditional.keySet().iterator().next()
                    + ") is answered 304 Not Modified"));
        } else {
            String got = again.answer().map(a -> "HTTP " + a.status())
                    .orElseGet(() -> again.failure().map(f -> f.code()).orElse("nothing"));
            add(Finding.warning("caching.conditional_get", "a conditional GET ("
                    + conditional.keySet().iterator().next() + ") is answered " + got + ", not 304: every refresh"
                    + " downloads the whole key set", "answer a matching If-None-Match with 304 Not Modified."));
        }
        return maxAge;
    }

    private static boolean isSafeHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !value.isEmpty();
    }

    /** The rotation timeline's safety condition, L ≥ 2 × the max-age actually sent. */
    void publishLead(StoreSnapshot store, Optional<Duration> maxAge) {
        Duration lead = store.config().publishLead();
        Duration age = maxAge.orElse(TokenVerifier.Builder.DEFAULT_REFRESH);
        String which = maxAge.isPresent() ? "the max-age the endpoint sends (" + Doctor.human(age) + ")"
                : "the verifiers' default refresh (" + Doctor.human(age) + ", no max-age is sent)";
        if (lead.compareTo(age.multipliedBy(2)) >= 0) {
            add(Finding.ok("caching.publish_lead", "the store's publish lead " + Doctor.human(lead) + " is at least twice "
                    + which));
        } else {
            add(Finding.error("caching.publish_lead", "the store's publish lead " + Doctor.human(lead) + " is less than"
                    + " twice " + which + ": after a rotation, tokens signed with the new key can reach verifiers"
                    + " that do not hold it yet (unknown_key)", "lower nohop serve --max-age to at most "
                    + Doctor.human(lead.dividedBy(2)) + ", or rotate with --publish-lead of at least "
                    + Doctor.human(age.multipliedBy(2)) + "."));
        }
    }

    private void add(Finding finding) {
        findings.accept(finding);
    }
}
