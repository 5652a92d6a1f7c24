package io.nohop.keys.cli;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.core.KeySetReport;
import io.nohop.core.PinnedRoots;
import io.nohop.core.RefreshFailure;
import io.nohop.core.TokenVerifier;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.StoreSnapshot;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks of {@code nohop doctor}: fetches what a verifier would fetch, the way it would (bounded,
 * no redirects), and says in one {@link Finding} per fact what would break verification, what merely
 * could be better, and what is fine. Keys are judged by core's own loader ({@link KeySetReport}) and the
 * end-to-end verdict comes from a real {@link TokenVerifier} built as {@code nohop verify} builds one
 * ({@link VerifierChecks}), so the doctor never disagrees with the verifier about a key or a token. The
 * {@code caching.*} checks are {@link CachingChecks}.
 *
 * <p>Everything read from the endpoint or the token is escaped before it is put into a finding
 * ({@link #escape}); no key material and no token text is ever put into one.
 */
final class Doctor {

    static final String WELL_KNOWN_OPENID = "/.well-known/openid-configuration";
    private static final String JWKS_ACCEPT = "application/json";
    private static final String SIGNED_ACCEPT = "application/jwk-set+jwt";
    private static final int MAX_ESCAPED = 200;

    /**
     * What to check.
     *
     * @param jwksUri the key set's URI (with roots: the signed key set's); empty to discover it from the issuer
     * @param issuer the issuer: discovered from when there is no JWKS URI; the {@code iss} tokens must carry
     * @param audience the audience tokens must name; empty: any
     * @param token a sample token (never printed)
     * @param roots pinned roots (--key-set-signer): the key set is then a signed one
     * @param store the store the endpoint publishes, for the publish lead and the signing key's state
     */
    record Target(Optional<URI> jwksUri, Optional<String> issuer, Optional<String> audience, Optional<String> token,
                  Optional<PinnedRoots> roots, Optional<StoreSnapshot> store) {
        boolean discovers() {
            return jwksUri.isEmpty();
        }
    }

    /**
     * Bounds of every fetch and the time-to-first-byte that earns a warning.
     *
     * @param connectTimeout connect timeout (the verifier's default)
     * @param fetchTimeout total deadline of one fetch, headers and body (the verifier's default)
     * @param maxBodyBytes body cap (the verifier's default)
     * @param slowFirstByte a first byte later than this is a warning
     */
    record Limits(Duration connectTimeout, Duration fetchTimeout, int maxBodyBytes, Duration slowFirstByte) {
        static final Limits DEFAULT = new Limits(TokenVerifier.Builder.DEFAULT_CONNECT_TIMEOUT,
                TokenVerifier.Builder.DEFAULT_FETCH_TIMEOUT, TokenVerifier.Builder.DEFAULT_MAX_JWKS_BYTES,
                Duration.ofSeconds(1));
    }

    private final Clock clock;
    private final Limits limits;
    private final String userAgent;
    private final List<Finding> findings = new ArrayList<>();
    private final CachingChecks cachingChecks;
    private final VerifierChecks verifierChecks;

    Doctor(Clock clock, Limits limits, String userAgent) {
        this.clock = clock;
        this.limits = limits;
        this.userAgent = userAgent;
        this.cachingChecks = new CachingChecks(findings::add);
        this.verifierChecks = new VerifierChecks(clock, limits, findings::add);
    }

    /**
     * Runs every check that applies to {@code target}.
     *
     * @param target what to check
     * @return the findings, in the order they were made
     * @throws InterruptedException if interrupted while waiting for the endpoint
     */
    List<Finding> run(Target target) throws InterruptedException {
        try (HttpProbe probe = new HttpProbe(limits.connectTimeout(), limits.fetchTimeout(), limits.maxBodyBytes(),
                userAgent)) {
            Optional<TokenVerifier> verifier = verifierChecks.start(target);
            try {
                inspect(probe, target, verifier);
            } finally {
                verifier.ifPresent(TokenVerifier::close);
            }
        }
        return List.copyOf(findings);
    }

    /** Discovery (when asked), the key set the verifier would consume, the store, then the verifier's verdict. */
    private void inspect(HttpProbe probe, Target target, Optional<TokenVerifier> verifier) throws InterruptedException {
        Optional<URI> consumed = target.jwksUri();
        Optional<URI> plainAlongside = Optional.empty();
        if (target.discovers()) {
            Optional<Discovered> discovered = discover(probe, target);
            if (discovered.isEmpty()) {
                verifierChecks.verdict(verifier, target, Optional.empty());
                return;
            }
            consumed = target.roots().isPresent() ? discovered.get().signedJwksUri() : discovered.get().jwksUri();
            if (target.roots().isPresent()) {
                plainAlongside = discovered.get().jwksUri();
            }
        }
        Optional<KeySetReport> report = Optional.empty();
        if (consumed.isPresent()) {
            report = keySet(probe, target, consumed.get());
            if (report.isPresent() && plainAlongside.isPresent()) {
                keySetsAgree(probe, plainAlongside.get(), report.get());
            }
        }
        if (target.store().isPresent() && report.isPresent()) {
            storeAgrees(target.store().get(), report.get());
        }
        verifierChecks.verdict(verifier, target, report);
    }

    // ---- discovery ------------------------------------------------------------------------------

    private record Discovered(Optional<URI> jwksUri, Optional<URI> signedJwksUri) {
    }

    private Optional<Discovered> discover(HttpProbe probe, Target target) throws InterruptedException {
        String issuer = target.issuer().orElseThrow();
        URI metadata = metadataUri(issuer);
        Optional<HttpProbe.Answer> answer = fetch(probe, "openid-configuration", metadata, JWKS_ACCEPT);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        contentType("openid-configuration", metadata, answer.get(), Set.of("application/json"), false);
        Map<String, Object> document;
        try {
            document = JSONObjectUtils.parse(new String(answer.get().body(), StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            add(Finding.error("discovery.document", escape(metadata.toString()) + " is not a JSON object: verifiers discovering "
                    + escape(issuer) + " get no keys (bad_metadata)", "serve OpenID provider metadata (JSON) at " + escape(metadata.toString()) + "."));
            return Optional.empty();
        }
        Object named = document.get("issuer");
        if (issuer.equals(named)) {
            add(Finding.ok("discovery.issuer", "the metadata's issuer is exactly " + escape(issuer)));
        } else {
            add(Finding.error("discovery.issuer", "the metadata names issuer "
                    + (named instanceof String s ? "'" + escape(s) + "'" : "(none)") + ", not exactly '" + escape(issuer)
                    + "': verifiers refuse it (issuer_mismatch) and get no keys",
                    "make the metadata's issuer exactly the iss your tokens carry (a trailing slash counts)."));
            return Optional.empty();
        }
        boolean pins = target.roots().isPresent();
        Optional<URI> jwks = uriMember(document, "jwks_uri", !pins);
        Optional<URI> signed = uriMember(document, "signed_jwks_uri", pins);
        if (signed.isPresent() && !pins) {
            add(Finding.note("discovery.signed_jwks_uri", "a signed key set is announced at " + escape(signed.get().toString()),
                    "pin its root (nohop root-key) with --key-set-signer so verifiers trust only what it signed."));
        }
        if (jwks.isPresent() && signed.isPresent()) {
            if (origin(jwks.get()).equals(origin(signed.get()))) {
                add(Finding.ok("discovery.consistent", "jwks_uri and signed_jwks_uri are served from "
                        + origin(jwks.get())));
            } else {
                add(Finding.warning("discovery.consistent", "jwks_uri (" + origin(jwks.get()) + ") and signed_jwks_uri ("
                        + origin(signed.get()) + ") are served from different origins",
                        "publish both from one endpoint (nohop serve --public-url) so they cannot drift apart."));
            }
        }
        return Optional.of(new Discovered(jwks, signed));
    }

    /** A key-set URI member of the metadata; missing or malformed is an error only when verifiers need it. */
    private Optional<URI> uriMember(Map<String, Object> document, String member, boolean needed) {
        Object value = document.get(member);
        if (value == null) {
            if (needed) {
                add(Finding.error("discovery." + member, "the metadata has no " + member
                        + ": verifiers get no keys (bad_metadata)", "add " + member + " to the metadata."));
            }
            return Optional.empty();
        }
        URI uri = null;
        if (value instanceof String text) {
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                uri = null;
            }
        }
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            add(new Finding(needed ? Finding.Severity.ERROR : Finding.Severity.WARNING, "discovery." + member,
                    member + " '" + escape(String.valueOf(value)) + "' is not an absolute http(s) URL",
                    Optional.of("give the full https URL of the key set.")));
            return Optional.empty();
        }
        if (needed) {
            add(Finding.ok("discovery." + member, member + " is " + escape(uri.toString())));
        }
        return Optional.of(uri);
    }

    static URI metadataUri(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + WELL_KNOWN_OPENID);
    }

    private static String origin(URI uri) {
        return escape(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority());
    }

    // ---- the key set ----------------------------------------------------------------------------

    private Optional<KeySetReport> keySet(HttpProbe probe, Target target, URI uri) throws InterruptedException {
        boolean signed = target.roots().isPresent();
        String what = signed ? "signed key set" : "key set";
        Optional<HttpProbe.Answer> fetched = fetch(probe, what, uri, signed ? SIGNED_ACCEPT : JWKS_ACCEPT);
        if (fetched.isEmpty()) {
            return Optional.empty();
        }
        HttpProbe.Answer answer = fetched.get();
        Instant now = clock.instant();
        if (signed) {
            contentType(what, uri, answer, Set.of(SIGNED_ACCEPT), true);
        } else {
            contentType(what, uri, answer, Set.of("application/json", "application/jwk-set+json"), false);
        }
        Optional<Duration> maxAge = cachingChecks.check(probe, uri, answer, signed ? SIGNED_ACCEPT : JWKS_ACCEPT);
        clockSkew(answer, now);
        target.store().ifPresent(store -> cachingChecks.publishLead(store, maxAge));
        KeySetReport report = signed
                ? KeySetReport.ofSignedKeySet(answer.body(), target.roots().get(),
                        target.discovers() ? target.issuer() : Optional.empty(), now)
                : KeySetReport.ofJwks(answer.body());
        if (signed) {
            signedSet(answer.body(), report, now);
        }
        keys(report, answer.body(), signed);
        return Optional.of(report);
    }

    /** The transport findings of one GET; the answer when it is a 200 within the cap. */
    private Optional<HttpProbe.Answer> fetch(HttpProbe probe, String what, URI uri, String accept)
            throws InterruptedException {
        HttpProbe.Outcome outcome = probe.get(uri, accept, Map.of());
        if (outcome.failure().isPresent()) {
            HttpProbe.Failure failure = outcome.failure().get();
            add(Finding.error("transport.reachable", "the " + what + " at " + escape(uri.toString()) + " cannot be fetched ("
                    + failure.code() + ": " + escape(failure.detail()) + "): verifiers keep their last good keys and go"
                    + " DOWN after their max-stale", "check the URL, DNS, firewall and that the endpoint is up."));
            return Optional.empty();
        }
        HttpProbe.Answer answer = outcome.answer().get();
        int status = answer.status();
        if (status >= 300 && status < 400) {
            String location = answer.header("Location").map(Doctor::escape).orElse("(no Location)");
            add(Finding.error("transport.redirect", "the " + what + " at " + escape(uri.toString()) + " answers HTTP " + status
                    + " to " + location + ": nohop does not follow redirects (the verifier counts it as a failed"
                    + " refresh: redirect)", "configure verifiers with the final URL, or serve the document at " + escape(uri.toString()) + "."));
            return Optional.empty();
        }
        if (status != 200) {
            add(Finding.error("transport.status", "the " + what + " at " + escape(uri.toString()) + " answers HTTP " + status
                    + " (http_status): verifiers get no keys from it", "serve the document with 200 at this URL."));
            return Optional.empty();
        }
        add(Finding.ok("transport.status", "the " + what + " at " + escape(uri.toString()) + " answers HTTP 200"));
        long firstByteMillis = answer.firstByte().toMillis();
        String measured = firstByteMillis + " ms";
        if (answer.firstByte().compareTo(limits.slowFirstByte()) >= 0) {
            // A first exchange also pays for cold starts (this JVM's HTTP client, the server's first request):
            // measure once more, and judge the endpoint by the second.
            HttpProbe.Outcome again = probe.get(uri, accept, Map.of());
            if (again.answer().isPresent()) {
                firstByteMillis = again.answer().get().firstByte().toMillis();
                measured = measured + ", then " + firstByteMillis + " ms";
            }
        }
        if (firstByteMillis >= limits.slowFirstByte().toMillis()) {
            add(Finding.warning("transport.first_byte", "first byte of the " + what + " after " + measured
                    + "; a verifier gives a fetch " + human(limits.fetchTimeout()) + " in all",
                    "find what makes the endpoint slow (it should answer from memory)."));
        } else {
            add(Finding.ok("transport.first_byte", "first byte of the " + what + " after " + measured));
        }
        if (answer.tooLarge()) {
            add(new Finding(Finding.Severity.ERROR, "transport.body_size",
                    "the " + what + " is larger than the verifier's cap of " + limits.maxBodyBytes()
                    + " bytes: verifiers refuse it (too_large)",
                    Optional.of("publish fewer keys (retire old ones) or raise maxJwksBytes in every verifier.")));
            return Optional.empty();
        }
        int size = answer.body().length;
        if (size > limits.maxBodyBytes() / 2) {
            add(Finding.warning("transport.body_size", "the " + what + " is " + size + " bytes, more than half the"
                    + " verifier's cap of " + limits.maxBodyBytes(), "retire keys that are no longer needed."));
        } else {
            add(Finding.ok("transport.body_size", "the " + what + " is " + size + " bytes (the verifier's cap is "
                    + limits.maxBodyBytes() + ")"));
        }
        return Optional.of(answer);
    }

    private void contentType(String what, URI uri, HttpProbe.Answer answer, Set<String> expected, boolean signed) {
        Optional<String> header = answer.header("Content-Type");
        String media = header.map(h -> h.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
        if (expected.contains(media)) {
            add(Finding.ok("transport.content_type", "the " + what + " is served as " + media));
        } else if (signed) {
            // The verifier does not consult it (static hosts label .jwt files loosely): a note only.
            add(Finding.note("transport.content_type", "the " + what + " is served as "
                    + header.map(h -> "'" + escape(h) + "'").orElse("no Content-Type") + ", not " + SIGNED_ACCEPT
                    + "; verifiers do not rely on it", "label it " + SIGNED_ACCEPT + " for other consumers."));
        } else {
            add(Finding.warning("transport.content_type", "the " + what + " at " + escape(uri.toString()) + " is served as "
                    + header.map(h -> "'" + escape(h) + "'").orElse("no Content-Type") + ", not "
                    + String.join(" or ", new TreeSet<>(expected)) + "; nohop reads it anyway, proxies and other"
                    + " clients may not", "serve it as application/json."));
        }
    }

    // ---- clocks ---------------------------------------------------------------------------------

    private void clockSkew(HttpProbe.Answer answer, Instant now) {
        Optional<String> date = answer.header("Date");
        if (date.isEmpty()) {
            add(Finding.note("clock.skew", "no Date header: the endpoint's clock cannot be compared with this host's",
                    "send a Date header (HTTP requires one from a server with a clock)."));
            return;
        }
        Instant theirs;
        try {
            theirs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            add(Finding.warning("clock.skew", "the Date header '" + escape(date.get()) + "' is not an HTTP date",
                    "send an RFC 9110 HTTP-date."));
            return;
        }
        Duration skew = Duration.between(now, theirs);
        Duration allowed = TokenVerifier.Builder.DEFAULT_CLOCK_SKEW;
        // The header has one-second resolution, and the answer took a moment: one second of slack.
        String direction = skew.isNegative() ? "behind" : "ahead of";
        if (skew.abs().compareTo(allowed.plusSeconds(1)) > 0) {
            add(Finding.error("clock.skew", "the endpoint's clock is " + human(skew.abs()) + " " + direction
                    + " this host's, beyond the verifier's allowed skew of " + human(allowed) + ": tokens minted with"
                    + " one clock are rejected by the other (issued_in_future, expired)",
                    "synchronise both clocks (NTP)."));
        } else {
            add(Finding.ok("clock.skew", "the endpoint's clock is within " + human(allowed)
                    + " of this host's (" + skew.toSeconds() + " s)"));
        }
    }

    // ---- keys -----------------------------------------------------------------------------------

    private void signedSet(byte[] body, KeySetReport report, Instant now) {
        Optional<RefreshFailure> failure = report.failure();
        if (report.expiresAt().isEmpty()) {
            String code = failure.map(RefreshFailure::code).orElse("refused");
            add(Finding.error("keys.signed_set", "the signed key set is refused under the pinned root ("
                    + code + ": " + escape(report.failureDetail().orElse("")) + "): verifiers that pin it get no keys",
                    signedAction(failure)));
            return;
        }
        String signer = "";
        try {
            String kid = JWSObject.parse(new String(body, StandardCharsets.US_ASCII)).getHeader().getKeyID();
            signer = kid == null ? "" : " " + escape(kid);
        } catch (ParseException e) {
            // Verified by core a moment ago; a header Nimbus cannot parse only loses the kid in the message.
        }
        add(Finding.ok("keys.signed_set", "the signed key set verifies under pinned root" + signer));
        Instant iat = report.issuedAt().orElseThrow();
        Instant exp = report.expiresAt().get();
        Duration left = Duration.between(now, exp);
        Duration lifetime = Duration.between(iat, exp);
        if (left.compareTo(lifetime.dividedBy(2)) < 0) {
            add(Finding.warning("keys.signed_set_expiry", "the signed key set expires in " + human(left) + " (at " + exp
                    + "), less than half of its " + human(lifetime) + " lifetime: it is not being re-signed; past exp"
                    + " verifiers that pin the root are DOWN", "run nohop rotate --if-due regularly (it re-signs when"
                    + " half the lifetime is left) and check nohop serve picks it up."));
        } else {
            add(Finding.ok("keys.signed_set_expiry", "the signed key set expires in " + human(left) + " (at " + exp + ")"));
        }
    }

    private static String signedAction(Optional<RefreshFailure> failure) {
        return switch (failure.map(RefreshFailure::code).orElse("")) {
            case "unsigned" -> "point --jwks-uri at the signed key set (nohop serve: /.well-known/jwks.jwt), not a"
                    + " plain JWKS.";
            case "bad_signature" -> "pin the root this store signs with (nohop root-key --store DIR); if you did, the"
                    + " document was altered on the way.";
            case "expired_set" -> "re-sign the set (nohop rotate --if-due) and make sure the endpoint serves it.";
            case "issuer_mismatch" -> "the set's iss must be the issuer verifiers discover (init --issuer).";
            default -> "publish a signed key set made by nohop (export --signed or serve).";
        };
    }

    private void keys(KeySetReport report, byte[] body, boolean signed) {
        if (signed && report.expiresAt().isEmpty()) {
            return;
        }
        Optional<RefreshFailure> failure = report.failure();
        long kept = report.keys().stream().filter(KeySetReport.Key::kept).count();
        if (failure.isPresent()) {
            boolean looksSigned = !signed && looksLikeCompactJws(body);
            add(Finding.error("keys.document", "verifiers refuse this key set (" + failure.get().code() + ": "
                    + escape(report.failureDetail().orElse("")) + "): they keep their last good keys, then go DOWN",
                    looksSigned ? "this looks like a signed key set: pin its root with --key-set-signer (and in the"
                            + " verifiers)." : "publish a JWKS with at least one usable signature key."));
        } else {
            add(Finding.ok("keys.document", kept + " key(s) kept, " + (report.keys().size() - kept) + " dropped"));
        }
        for (KeySetReport.Key key : report.keys()) {
            String name = key.kid().map(k -> "'" + escape(k) + "'").orElse("(no kid)");
            if (key.kept()) {
                add(Finding.ok("keys.kept", "key " + name + " kept (" + key.description().orElse("") + ")"));
                if (!key.kid().equals(key.thumbprint())) {
                    add(Finding.note("keys.kid_thumbprint", "key " + name + ": kid is not its RFC 7638 thumbprint",
                            "nothing needed; thumbprint kids (as a nohop store's) make reusing a kid for other"
                                    + " material impossible."));
                }
            } else {
                add(Finding.warning("keys.dropped", "key " + name + " dropped by verifiers: "
                        + key.droppedBecause().orElse(""), "fix or remove it: tokens it signs are rejected"
                        + " (unknown_key)."));
            }
        }
    }

    private static boolean looksLikeCompactJws(byte[] body) {
        String text = new String(body, StandardCharsets.US_ASCII).trim();
        return text.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    }

    private void keySetsAgree(HttpProbe probe, URI plain, KeySetReport signed) throws InterruptedException {
        HttpProbe.Outcome outcome = probe.get(plain, JWKS_ACCEPT, Map.of());
        if (outcome.answer().isEmpty() || outcome.answer().get().status() != 200 || outcome.answer().get().tooLarge()) {
            add(Finding.warning("discovery.key_sets_agree", "the plain key set at " + escape(plain.toString()) + " cannot be fetched:"
                    + " verifiers that do not pin the root get no keys", "serve jwks_uri as well, or drop it from the"
                    + " metadata."));
            return;
        }
        if (signed.keys().isEmpty() && signed.failure().isPresent() && signed.failure().get() != RefreshFailure.EMPTY_SET) {
            // Refused as a whole (signature, issuer, expiry, rollback): its keys were never read, so there is nothing
            // to compare; keys.signed_set says why.
            add(Finding.note("discovery.key_sets_agree", "not compared: the signed key set was refused (see"
                    + " keys.signed_set)", "fix the signed key set first."));
            return;
        }
        Set<String> plainKids = keptKids(KeySetReport.ofJwks(outcome.answer().get().body()));
        Set<String> signedKids = keptKids(signed);
        if (plainKids.equals(signedKids)) {
            add(Finding.ok("discovery.key_sets_agree", "jwks_uri and signed_jwks_uri hold the same keys"));
        } else {
            add(Finding.warning("discovery.key_sets_agree", "jwks_uri holds " + plainKids + " but the signed key set "
                    + signedKids + ": verifiers see different keys depending on which they read",
                    "publish both from the same store (nohop serve does)."));
        }
    }

    private static Set<String> keptKids(KeySetReport report) {
        Set<String> kids = new TreeSet<>();
        report.keys().stream().filter(KeySetReport.Key::kept).forEach(k -> kids.add(k.kid().map(Doctor::escape)
                .orElse("(no kid)")));
        return kids;
    }

    /** With --store: the endpoint serves what the store publishes now, the active key above all. */
    private void storeAgrees(StoreSnapshot store, KeySetReport report) {
        if (report.failure().isPresent()) {
            return;
        }
        Instant now = clock.instant();
        Set<String> served = keptKids(report);
        Set<String> published = new TreeSet<>();
        store.publishedAt(now).forEach(r -> published.add(r.kid()));
        Optional<KeyRecord> active = store.activeAt(now);
        if (active.isPresent() && !served.contains(active.get().kid())) {
            add(Finding.error("keys.store_agrees", "the endpoint does not serve the store's active key "
                    + active.get().kid() + ": tokens issued now are rejected (unknown_key)",
                    "check that nohop serve runs from this store (it picks up changes within 2 s)."));
        } else if (!served.equals(published)) {
            add(Finding.warning("keys.store_agrees", "the endpoint serves " + served + " but the store publishes "
                    + published + " now", "check that nohop serve runs from this store (it picks up changes within 2 s)."));
        } else {
            add(Finding.ok("keys.store_agrees", "the endpoint serves exactly what the store publishes now"));
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void add(Finding finding) {
        findings.add(finding);
    }

    /**
     * Makes text from the endpoint or the token safe to print: control, non-ASCII and line-separator
     * characters become {@code \\uXXXX}, a backslash is doubled, and the result is cut at 200 characters.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_ESCAPED; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() >= MAX_ESCAPED && text.length() > 0 ? out + "..." : out.toString();
    }

    /** A duration in the CLI's DURATION units: 850ms, 90s, 5m, 1h, 2h 30m, 6d 23h. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + "ms";
        }
        long[] sizes = {86400, 3600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i] || i == sizes.length - 1) {
                long whole = s / sizes[i];
                long rest = i + 1 < sizes.length ? s % sizes[i] / sizes[i + 1] : 0;
                // Under 2 units of the larger, the smaller unit reads better on its own (90s, 90m).
                if (whole < 2 && i + 1 < sizes.length && s % sizes[i] != 0) {
                    continue;
                }
                return whole + units[i] + (rest == 0 ? "" : " " + rest + units[i + 1]);
            }
        }
        return s + "s";
    }
}
