package io.nohop.keys.cli;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.KeySetReport;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.core.VerifierHealth;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.KeyState;
import io.nohop.keys.cli.Doctor.Limits;
import io.nohop.keys.cli.Doctor.Target;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The end-to-end checks of {@code nohop doctor} ({@code transport.scheme}, {@code verifier.keys},
 * {@code token.*}): a real {@link TokenVerifier}, built as {@code nohop verify} builds one, says whether it
 * would get keys and what it makes of the sample token. The findings go into {@link Doctor}'s list, in
 * the order the doctor runs the checks.
 */
final class VerifierChecks {

    private final Clock clock;
    private final Limits limits;
    private final Consumer<Finding> findings;

    /**
     * Checks for one doctor run.
     *
     * @param clock the doctor's clock, given to the verifier too
     * @param limits bounds the wait for the verifier's first outcome
     * @param findings where findings go, in the order they are made (the doctor's list)
     */
    VerifierChecks(Clock clock, Limits limits, Consumer<Finding> findings) {
        this.clock = clock;
        this.limits = limits;
        this.findings = findings;
    }

    /**
     * Builds the verifier {@code nohop verify} would build for this target and starts it (its first fetch runs
     * in the background while the doctor makes its own); says whether the library accepts the transport.
     */
    Optional<TokenVerifier> start(Target target) {
        // Named, so the endpoint's instance table and nohop status show the probe for what it is.
        TokenVerifier.Builder builder = TokenVerifier.builder().clock(clock).instanceName("nohop-doctor");
        try {
            if (target.discovers()) {
                String issuer = target.issuer().orElseThrow();
                if (target.roots().isPresent()) {
                    builder.discoverIssuer(issuer, target.roots().get());
                } else {
                    builder.discoverIssuer(issuer);
                }
            } else {
                URI uri = target.jwksUri().get();
                if (target.roots().isPresent()) {
                    builder.jwksUri(uri, target.roots().get());
                } else {
                    builder.jwksUri(uri);
                }
                target.issuer().ifPresentOrElse(builder::issuer, builder::allowAnyIssuer);
            }
            target.audience().ifPresentOrElse(builder::audience, builder::allowAnyAudience);
        } catch (IllegalArgumentException | IllegalStateException e) {
            add(Finding.error("transport.scheme", "a verifier cannot be configured this way: " + Doctor.escape(e.getMessage()),
                    "use an absolute https URL."));
            return Optional.empty();
        }
        TokenVerifier verifier;
        try {
            verifier = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The library's transport rule: plain http only to loopback.
            add(Finding.error("transport.scheme", "a verifier refuses the source: " + Doctor.escape(e.getMessage()),
                    "serve it over https (plain http is accepted only to 127.0.0.1, ::1 or localhost)."));
            return Optional.empty();
        }
        URI shown = target.jwksUri().orElseGet(() -> Doctor.metadataUri(target.issuer().orElseThrow()));
        if ("https".equalsIgnoreCase(shown.getScheme())) {
            add(Finding.ok("transport.scheme", "https"));
        } else {
            add(Finding.note("transport.scheme", "plain http to a loopback address: accepted, but only on this host",
                    "serve it over https for other hosts."));
        }
        return Optional.of(verifier);
    }

    /**
     * Waits for the started verifier's first outcome and says whether it holds keys; then checks the sample
     * token, if there is one, against it and against the key set the doctor read.
     */
    void verdict(Optional<TokenVerifier> started, Target target, Optional<KeySetReport> report)
            throws InterruptedException {
        if (started.isEmpty()) {
            return;
        }
        TokenVerifier verifier = started.get();
        String source = target.discovers() ? "discovering " + target.issuer().orElseThrow()
                : "reading " + target.jwksUri().get();
        boolean keys = awaitFirstOutcome(verifier);
        VerifierHealth.Source health = verifier.health().sources().get(0);
        if (keys) {
            add(Finding.ok("verifier.keys", "a verifier " + Doctor.escape(source) + " as nohop verify would holds "
                    + health.keyCount() + " key(s)"));
        } else {
            add(Finding.error("verifier.keys", "a verifier " + Doctor.escape(source) + " as nohop verify would got no keys"
                    + health.lastError().map(e -> " (" + Doctor.escape(e) + ")").orElse("") + ": every token is rejected"
                    + " with keys_unavailable", "fix the errors above."));
        }
        target.token().ifPresent(token -> sampleToken(verifier, token, target, report));
    }

    /**
     * Waits until the verifier holds keys or its first fetch has failed (it would retry with backoff; the
     * doctor reports the first failure rather than wait for the retries), bounded by two fetches' time.
     */
    private boolean awaitFirstOutcome(TokenVerifier verifier) throws InterruptedException {
        long deadline = System.nanoTime() + limits.fetchTimeout().plus(limits.connectTimeout()).multipliedBy(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (verifier.awaitKeys(Duration.ofMillis(50))) {
                return true;
            }
            if (verifier.health().sources().get(0).consecutiveFailures() > 0) {
                return false;
            }
        }
        return verifier.awaitKeys(Duration.ZERO);
    }

    private void sampleToken(TokenVerifier verifier, String token, Target target, Optional<KeySetReport> report) {
        try {
            VerifiedToken verified = verifier.verify(token);
            add(Finding.ok("token.verify", "the sample token verifies (kid " + verified.keyId().map(Doctor::escape).orElse("none") + ")"));
        } catch (TokenRejectedException e) {
            add(Finding.error("token.verify", "the sample token is rejected: " + e.reason().code() + " ("
                    + Doctor.escape(String.valueOf(e.getMessage())) + ")", tokenAction(e.reason().code())));
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return;
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        Duration max = TokenVerifier.Builder.DEFAULT_MAX_LIFETIME;
        if (exp == null) {
            add(Finding.error("token.lifetime", "the sample token has no exp", "mint tokens with exp."));
        } else {
            Instant from = iat != null ? iat.toInstant() : now;
            Duration lifetime = Duration.between(from, exp.toInstant());
            String left = exp.toInstant().isAfter(now) ? "expires in " + Doctor.human(Duration.between(now, exp.toInstant()))
                    : "expired " + Doctor.human(Duration.between(exp.toInstant(), now)) + " ago";
            if (lifetime.compareTo(max) > 0) {
                add(Finding.error("token.lifetime", "the sample token lives " + Doctor.human(lifetime) + " (" + left
                        + "), longer than the verifier's maximum of " + Doctor.human(max) + " (lifetime_too_long)",
                        "mint shorter-lived tokens."));
            } else {
                add(Finding.ok("token.lifetime", "the sample token lives " + Doctor.human(lifetime) + " (" + left
                        + "), within the verifier's maximum of " + Doctor.human(max)));
            }
        }
        Object typ = jwt.getHeader().getType() == null ? null : jwt.getHeader().getType().getType();
        if (typ == null) {
            add(Finding.note("token.typ", "the sample token has no typ header: a verifier requiring a type (--type"
                    + " at+jwt, RFC 9068) rejects it (wrong_type)", "nothing needed unless verifiers require one."));
        } else {
            add(Finding.ok("token.typ", "typ is " + Doctor.escape(String.valueOf(typ))));
        }
        tokenKey(jwt.getHeader().getKeyID(), target, report);
    }

    private void tokenKey(String kid, Target target, Optional<KeySetReport> report) {
        if (kid == null) {
            add(Finding.note("token.key", "the sample token names no kid: verifiers try the one key that fits",
                    "name the kid (nohop issue does)."));
            return;
        }
        String name = "'" + Doctor.escape(kid) + "'";
        Optional<KeySetReport.Key> served = report.flatMap(r -> r.keys().stream()
                .filter(k -> k.kid().equals(Optional.of(kid))).findFirst());
        if (report.isPresent() && report.get().failure().isEmpty()) {
            if (served.isEmpty()) {
                add(Finding.error("token.key", "the sample token is signed by key " + name + ", which the endpoint"
                        + " does not serve (unknown_key)", "publish the key before tokens signed with it are used."));
                return;
            }
            if (!served.get().kept()) {
                add(Finding.error("token.key", "the sample token is signed by key " + name + ", which verifiers drop: "
                        + served.get().droppedBecause().orElse(""), "sign with a usable key."));
                return;
            }
        }
        if (target.store().isEmpty()) {
            add(Finding.ok("token.key", "the sample token is signed by key " + name
                    + (served.isPresent() ? ", served and kept" : "")));
            return;
        }
        Instant now = clock.instant();
        Optional<KeyRecord> record = target.store().get().record(kid);
        if (record.isEmpty()) {
            add(Finding.warning("token.key", "the sample token is signed by key " + name + ", which is not a key of"
                    + " the store", "check that the token comes from this store's issuer."));
            return;
        }
        KeyState state = record.get().stateAt(now);
        switch (state) {
            case ACTIVE -> add(Finding.ok("token.key", "the sample token is signed by key " + name + ", the store's"
                    + " ACTIVE key"));
            case RETIRING -> add(Finding.note("token.key", "the sample token is signed by key " + name + ", which is"
                    + " RETIRING: still published, no longer signing", "new tokens should come from the ACTIVE key."));
            case PENDING -> add(Finding.warning("token.key", "the sample token is signed by key " + name + ", which is"
                    + " PENDING: published but not due to sign yet", "sign with the ACTIVE key (nohop issue does)."));
            default -> add(Finding.error("token.key", "the sample token is signed by key " + name + ", which is "
                    + state + ": no longer published, so verifiers reject it (unknown_key)",
                    "sign with the ACTIVE key."));
        }
    }

    private static String tokenAction(String code) {
        return switch (code) {
            case "expired" -> "use a fresh token (this one's exp has passed).";
            case "unknown_key" -> "publish the signing key before using it, or sign with a published key.";
            case "issuer_mismatch" -> "check --issuer against the token's iss.";
            case "audience_mismatch" -> "check --audience against the token's aud.";
            case "keys_unavailable" -> "fix the key set errors above.";
            case "bad_signature" -> "the token was altered or signed by another key with the same kid.";
            default -> "see the rejection codes in keys/README.md.";
        };
    }

    private void add(Finding finding) {
        findings.accept(finding);
    }
}
