package io.nohop.keys.cli;

import io.nohop.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.PinnedRoots;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.TestStores;
import io.nohop.keys.cli.FakeKeyEndpoint.Route;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per finding of {@code nohop doctor}: a loopback endpoint misbehaving in one way, and the
 * finding it must produce (check name and severity). The clean endpoint gives no error and no warning.
 */
class DoctorTest {

    private static final String JWKS = "/.well-known/jwks.json";
    private static final String SIGNED = "/.well-known/jwks.jwt";
    private static final String OPENID = "/.well-known/openid-configuration";

    private static final ECKey KEY = generate(true);
    private static final ECKey ROOT = generate(true);

    @TempDir
    Path tmp;

    private final FakeKeyEndpoint endpoint;
    private Clock clock = Clock.systemUTC();
    private Doctor.Limits limits = new Doctor.Limits(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Doctor.Limits.DEFAULT.maxBodyBytes(), Duration.ofSeconds(5));

    DoctorTest() throws Exception {
        endpoint = new FakeKeyEndpoint();
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private static ECKey generate(boolean thumbprintKid) {
        try {
            ECKeyGenerator generator = new ECKeyGenerator(Curve.P_256);
            generator.algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE);
            if (thumbprintKid) {
                generator.keyIDFromThumbprint(true);
            } else {
                generator.keyID("key-1");
            }
            return generator.generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private List<Finding> run(Optional<URI> jwksUri, Optional<String> issuer, Optional<String> token,
                              Optional<PinnedRoots> roots, Optional<Path> store) throws Exception {
        Optional<io.nohop.keys.StoreSnapshot> snapshot = Optional.empty();
        if (store.isPresent()) {
            snapshot = Optional.of(SigningKeyStore.open(store.get(), clock).snapshot());
        }
        return new Doctor(clock, limits, "test").run(new Doctor.Target(jwksUri, issuer, Optional.of("orders"), token,
                roots, snapshot));
    }

    private List<Finding> runJwks() throws Exception {
        return run(Optional.of(endpoint.uri(JWKS)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Finding only(List<Finding> findings, String check) {
        List<Finding> matching = findings.stream().filter(f -> f.check().equals(check)).toList();
        assertEquals(1, matching.size(), check + " in " + describe(findings));
        return matching.get(0);
    }

    private static void assertFinding(List<Finding> findings, String check, Finding.Severity severity, String contains) {
        List<Finding> matching = findings.stream().filter(f -> f.check().equals(check) && f.severity() == severity)
                .toList();
        assertFalse(matching.isEmpty(), severity + " " + check + " in " + describe(findings));
        assertTrue(matching.stream().anyMatch(f -> f.message().contains(contains)), contains + " in " + describe(findings));
    }

    private static String describe(List<Finding> findings) {
        return findings.stream().map(Finding::line).collect(Collectors.joining("\n", "\n", "\n"));
    }

    private static void assertNoProblem(List<Finding> findings) {
        assertTrue(findings.stream().noneMatch(f -> f.severity() == Finding.Severity.ERROR
                || f.severity() == Finding.Severity.WARNING), describe(findings));
    }

    private static String token(ECKey key, Instant iat, Duration lifetime, String type) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID());
        if (type != null) {
            header.type(new JOSEObjectType(type));
        }
        SignedJWT jwt = new SignedJWT(header.build(), new JWTClaimsSet.Builder().subject("alice").audience("orders")
                .issuer("https://auth.example").issueTime(Date.from(iat)).expirationTime(Date.from(iat.plus(lifetime)))
                .build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static String signedSet(ECKey root, Instant iat, Duration lifetime, String... keys) throws Exception {
        return signedSet(root, "https://auth.example", iat, lifetime, keys);
    }

    private static String signedSet(ECKey root, String issuer, Instant iat, Duration lifetime, String... keys)
            throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer)
                .issueTime(Date.from(iat)).expirationTime(Date.from(iat.plus(lifetime)));
        List<Object> members = new java.util.ArrayList<>();
        for (String key : keys) {
            members.add(com.nimbusds.jose.util.JSONObjectUtils.parse(key));
        }
        claims.claim("keys", members);
        SignedJWT jws = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(root.getKeyID())
                .type(new JOSEObjectType("jwk-set+jwt")).build(), claims.build());
        jws.sign(new ECDSASigner(root));
        return jws.serialize();
    }

    private static Route signedRoute(String compact) {
        return Route.json(compact).withHeader("Content-Type", "application/jwk-set+jwt");
    }

    private String metadata(String jwksUri, String signedJwksUri, String issuer) {
        return "{\"issuer\":\"" + issuer + "\"" + (jwksUri == null ? "" : ",\"jwks_uri\":\"" + jwksUri + "\"")
                + (signedJwksUri == null ? "" : ",\"signed_jwks_uri\":\"" + signedJwksUri + "\"") + "}";
    }

    // ---- a clean endpoint -----------------------------------------------------------------------

    @Test
    void cleanEndpoint_noErrorNoWarning_andSaysWhatIsFine() throws Exception {
        List<Finding> findings = runJwks();
        assertNoProblem(findings);
        for (String check : List.of("transport.status", "transport.first_byte", "transport.content_type",
                "transport.body_size", "caching.max_age", "caching.etag", "caching.conditional_get", "clock.skew",
                "keys.document", "keys.kept", "verifier.keys")) {
            assertEquals(Finding.Severity.OK, only(findings, check).severity(), check + describe(findings));
        }
    }

    // ---- transport ------------------------------------------------------------------------------

    @Test
    void transport_plainHttpToAnotherHost_errorFromTheVerifiersRule() throws Exception {
        limits = new Doctor.Limits(Duration.ofMillis(300), Duration.ofMillis(500), limits.maxBodyBytes(), limits.slowFirstByte());
        List<Finding> findings = run(Optional.of(URI.create("http://10.255.255.1/.well-known/jwks.json")), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "transport.scheme", Finding.Severity.ERROR, "refuses");
    }

    @Test
    void transport_plainHttpToLoopback_isANoteNotAnError() throws Exception {
        assertEquals(Finding.Severity.NOTE, only(runJwks(), "transport.scheme").severity());
    }

    @Test
    void transport_nothingListening_unreachableError() throws Exception {
        URI gone = endpoint.uri(JWKS);
        endpoint.close();
        List<Finding> findings = run(Optional.of(gone), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "transport.reachable", Finding.Severity.ERROR, "cannot be fetched");
        assertFinding(findings, "verifier.keys", Finding.Severity.ERROR, "got no keys");
    }

    @Test
    void transport_redirect_errorThatSaysRedirectsAreNotFollowed() throws Exception {
        endpoint.route(JWKS, new Route(302, java.util.Map.of("Location", "https://elsewhere.example/jwks\u00e9"),
                new byte[0], false));
        List<Finding> findings = runJwks();
        assertFinding(findings, "transport.redirect", Finding.Severity.ERROR, "does not follow redirects");
        assertFinding(findings, "transport.redirect", Finding.Severity.ERROR, "https://elsewhere.example/jwks\\u00e9");
    }

    @Test
    void transport_serverError_statusError() throws Exception {
        endpoint.route(JWKS, Route.json("oops").withStatus(500));
        assertFinding(runJwks(), "transport.status", Finding.Severity.ERROR, "HTTP 500");
    }

    @Test
    void transport_slowFirstByte_warning() throws Exception {
        limits = new Doctor.Limits(limits.connectTimeout(), limits.fetchTimeout(), limits.maxBodyBytes(), Duration.ZERO);
        assertFinding(runJwks(), "transport.first_byte", Finding.Severity.WARNING, "first byte");
    }

    @Test
    void transport_wrongContentType_warning() throws Exception {
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())).withHeader("Content-Type", "text/html"));
        assertFinding(runJwks(), "transport.content_type", Finding.Severity.WARNING, "text/html");
    }

    @Test
    void transport_bodyOverTheVerifiersCap_tooLargeError() throws Exception {
        String padded = "{\"pad\":\"" + "a".repeat(300 * 1024) + "\",\"keys\":[" + KEY.toPublicJWK().toJSONString() + "]}";
        endpoint.route(JWKS, Route.json(padded));
        List<Finding> findings = runJwks();
        assertFinding(findings, "transport.body_size", Finding.Severity.ERROR, "cap");
        assertFinding(findings, "verifier.keys", Finding.Severity.ERROR, "too_large");
    }

    @Test
    void transport_bodyOverHalfTheCap_warning() throws Exception {
        String padded = "{\"pad\":\"" + "a".repeat(150 * 1024) + "\",\"keys\":[" + KEY.toPublicJWK().toJSONString() + "]}";
        endpoint.route(JWKS, Route.json(padded));
        assertFinding(runJwks(), "transport.body_size", Finding.Severity.WARNING, "half");
    }

    // ---- caching --------------------------------------------------------------------------------

    @Test
    void caching_noMaxAge_warning() throws Exception {
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())).withHeader("Cache-Control", null));
        assertFinding(runJwks(), "caching.max_age", Finding.Severity.WARNING, "no Cache-Control max-age");
    }

    @Test
    void caching_maxAgeBelowTheRefreshFloor_warning() throws Exception {
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())).withHeader("Cache-Control", "max-age=5"));
        assertFinding(runJwks(), "caching.max_age", Finding.Severity.WARNING, "outside the verifier's refresh bounds");
    }

    @Test
    void caching_noEtag_warning() throws Exception {
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())).withHeader("ETag", null));
        assertFinding(runJwks(), "caching.etag", Finding.Severity.WARNING, "neither ETag nor Last-Modified");
    }

    @Test
    void caching_etagButNo304_warning() throws Exception {
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())).without304());
        assertFinding(runJwks(), "caching.conditional_get", Finding.Severity.WARNING, "HTTP 200, not 304");
    }

    @Test
    void caching_publishLeadShorterThanTwiceTheMaxAge_error() throws Exception {
        Path store = tmp.resolve("store");
        StoreConfig config = TestStores.config(SigningAlgorithm.ES256).toBuilder().refreshBound(Duration.ofMinutes(5))
                .publishLead(Duration.ofMinutes(10)).build();
        SigningKeyStore.create(store, config, TestStores.PASSPHRASE, MutableClock.at(Instant.now().toString()));
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString())).withHeader("Cache-Control", "max-age=600"));
        List<Finding> findings = run(Optional.of(endpoint.uri(JWKS)), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(store));
        assertFinding(findings, "caching.publish_lead", Finding.Severity.ERROR, "less than twice");
    }

    // ---- keys -----------------------------------------------------------------------------------

    @Test
    void keys_unusableKeys_droppedWithTheVerifiersReason() throws Exception {
        String shortRsa = new RSAKeyGenerator(1024, true).keyID("short").generate().toPublicJWK().toJSONString();
        String enc = generate(false).toPublicJWK().toJSONString().replace("\"use\":\"sig\"", "\"use\":\"enc\"")
                .replace("key-1", "enc");
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString(), shortRsa, enc)));
        List<Finding> findings = runJwks();
        assertFinding(findings, "keys.dropped", Finding.Severity.WARNING, "'short' dropped by verifiers: RSA key shorter than 2048 bits");
        assertFinding(findings, "keys.dropped", Finding.Severity.WARNING, "'enc' dropped by verifiers: use is not sig");
    }

    @Test
    void keys_noUsableKey_documentError() throws Exception {
        String priv = generate(true).toJSONString();
        endpoint.route(JWKS, Route.json(jwks(priv)));
        List<Finding> findings = runJwks();
        assertFinding(findings, "keys.document", Finding.Severity.ERROR, "no_usable_key");
        assertFinding(findings, "keys.dropped", Finding.Severity.WARNING, "carries private key members");
    }

    @Test
    void keys_notJson_documentError() throws Exception {
        endpoint.route(JWKS, Route.json("<html>"));
        assertFinding(runJwks(), "keys.document", Finding.Severity.ERROR, "not_json");
    }

    @Test
    void keys_kidThatIsNotTheThumbprint_noteOnly() throws Exception {
        endpoint.route(JWKS, Route.json(jwks(generate(false).toPublicJWK().toJSONString())));
        List<Finding> findings = runJwks();
        assertFinding(findings, "keys.kid_thumbprint", Finding.Severity.NOTE, "'key-1'");
        assertNoProblem(findings);
    }

    @Test
    void keys_signedSetByAnotherRoot_badSignatureError() throws Exception {
        endpoint.route(SIGNED, signedRoute(signedSet(generate(true), Instant.now(), Duration.ofDays(7),
                KEY.toPublicJWK().toJSONString())));
        List<Finding> findings = run(Optional.of(endpoint.uri(SIGNED)), Optional.empty(), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertFinding(findings, "keys.signed_set", Finding.Severity.ERROR, "bad_signature");
    }

    @Test
    void keys_plainJwksWhereASignedSetIsPinned_unsignedError() throws Exception {
        List<Finding> findings = run(Optional.of(endpoint.uri(JWKS)), Optional.empty(), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertFinding(findings, "keys.signed_set", Finding.Severity.ERROR, "unsigned");
    }

    @Test
    void keys_signedSetUnderThePinnedRoot_okWithTimeToExp() throws Exception {
        endpoint.route(SIGNED, signedRoute(signedSet(ROOT, Instant.now(), Duration.ofDays(7), KEY.toPublicJWK().toJSONString())));
        List<Finding> findings = run(Optional.of(endpoint.uri(SIGNED)), Optional.empty(), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertNoProblem(findings);
        assertFinding(findings, "keys.signed_set", Finding.Severity.OK, ROOT.getKeyID());
        assertFinding(findings, "keys.signed_set_expiry", Finding.Severity.OK, "expires in 6d 23h");
    }

    @Test
    void keys_signedSetPastHalfItsLifetime_warningThatItIsNotReSigned() throws Exception {
        endpoint.route(SIGNED, signedRoute(signedSet(ROOT, Instant.now().minus(Duration.ofDays(5)), Duration.ofDays(7),
                KEY.toPublicJWK().toJSONString())));
        List<Finding> findings = run(Optional.of(endpoint.uri(SIGNED)), Optional.empty(), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertFinding(findings, "keys.signed_set_expiry", Finding.Severity.WARNING, "not being re-signed");
    }

    @Test
    void keys_attackerTextInAKid_isEscaped() throws Exception {
        String evil = generate(false).toPublicJWK().toJSONString().replace("key-1", "evil\\u001b[31m\\u2028");
        endpoint.route(JWKS, Route.json(jwks(KEY.toPublicJWK().toJSONString(), evil)));
        List<Finding> findings = runJwks();
        assertFinding(findings, "keys.kid_thumbprint", Finding.Severity.NOTE, "evil\\u001b[31m\\u2028");
        assertTrue(findings.stream().noneMatch(f -> f.line().chars().anyMatch(c -> c < 0x20 || c > 0x7e)),
                describe(findings));
    }

    // ---- discovery ------------------------------------------------------------------------------

    @Test
    void discovery_issuerNotExactlyTheSame_error() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri(JWKS).toString(), null, issuer + "/")));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "discovery.issuer", Finding.Severity.ERROR, "not exactly");
    }

    @Test
    void discovery_noJwksUri_error() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(null, null, issuer)));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "discovery.jwks_uri", Finding.Severity.ERROR, "no jwks_uri");
    }

    @Test
    void discovery_pinnedRootButNoSignedJwksUri_error() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri(JWKS).toString(), null, issuer)));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertFinding(findings, "discovery.signed_jwks_uri", Finding.Severity.ERROR, "no signed_jwks_uri");
    }

    @Test
    void discovery_signedSetAnnouncedButNoRootPinned_note() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri(JWKS).toString(), endpoint.uri(SIGNED).toString(), issuer)));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "discovery.signed_jwks_uri", Finding.Severity.NOTE, "announced");
        assertNoProblem(findings);
    }

    @Test
    void discovery_keySetUrisOnDifferentOrigins_warning() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri(JWKS).toString(),
                "https://mirror.example/.well-known/jwks.jwt", issuer)));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "discovery.consistent", Finding.Severity.WARNING, "different origins");
    }

    @Test
    void discovery_plainAndSignedSetsHoldDifferentKeys_warning() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri(JWKS).toString(), endpoint.uri(SIGNED).toString(), issuer)));
        // Accepted (the discovered issuer's own set), but with another key than jwks_uri.
        endpoint.route(SIGNED, signedRoute(signedSet(ROOT, issuer, Instant.now(), Duration.ofDays(7),
                generate(true).toPublicJWK().toJSONString())));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertFinding(findings, "keys.signed_set", Finding.Severity.OK, ROOT.getKeyID());
        assertFinding(findings, "discovery.key_sets_agree", Finding.Severity.WARNING, "different keys");
    }

    @Test
    void discovery_signedSetRefused_keySetsNotCompared_noFalseDifference() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri(JWKS).toString(), endpoint.uri(SIGNED).toString(), issuer)));
        // The same key as jwks_uri, but signed by a root nobody pinned: refused as a whole.
        endpoint.route(SIGNED, signedRoute(signedSet(generate(true), Instant.now(), Duration.ofDays(7),
                KEY.toPublicJWK().toJSONString())));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(),
                Optional.of(PinnedRoots.of(ROOT.toPublicJWK().toJSONString())), Optional.empty());
        assertFinding(findings, "keys.signed_set", Finding.Severity.ERROR, "bad_signature");
        assertFinding(findings, "discovery.key_sets_agree", Finding.Severity.NOTE, "not compared");
    }

    @Test
    void discovery_attackerTextInTheJwksUri_isEscaped() throws Exception {
        String issuer = endpoint.base();
        endpoint.route(OPENID, Route.json(metadata(endpoint.uri("/jwks").toString() + "\\u202e.json", null, issuer)));
        List<Finding> findings = run(Optional.empty(), Optional.of(issuer), Optional.empty(), Optional.empty(), Optional.empty());
        assertFinding(findings, "discovery.jwks_uri", Finding.Severity.OK, "/jwks\\u202e.json");
        assertTrue(findings.stream().noneMatch(f -> f.line().chars().anyMatch(c -> c < 0x20 || c > 0x7e)),
                describe(findings));
    }

    // ---- clocks ---------------------------------------------------------------------------------

    @Test
    void clock_endpointFiveMinutesAhead_skewError() throws Exception {
        clock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5));
        assertFinding(runJwks(), "clock.skew", Finding.Severity.ERROR, "ahead of");
    }

    // ---- the sample token -----------------------------------------------------------------------

    private List<Finding> runToken(String token) throws Exception {
        return run(Optional.of(endpoint.uri(JWKS)), Optional.of("https://auth.example"), Optional.of(token),
                Optional.empty(), Optional.empty());
    }

    @Test
    void token_good_verifiesWithLifetimeTypAndKey() throws Exception {
        List<Finding> findings = runToken(token(KEY, Instant.now(), Duration.ofMinutes(15), "at+jwt"));
        assertNoProblem(findings);
        assertFinding(findings, "token.verify", Finding.Severity.OK, "verifies");
        assertFinding(findings, "token.lifetime", Finding.Severity.OK, "15m");
        assertFinding(findings, "token.typ", Finding.Severity.OK, "at+jwt");
        assertFinding(findings, "token.key", Finding.Severity.OK, KEY.getKeyID());
    }

    @Test
    void token_expired_rejectionCode() throws Exception {
        List<Finding> findings = runToken(token(KEY, Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(15), null));
        assertFinding(findings, "token.verify", Finding.Severity.ERROR, "expired");
    }

    @Test
    void token_lifetimeOverTheMaximum_error() throws Exception {
        List<Finding> findings = runToken(token(KEY, Instant.now(), Duration.ofHours(48), null));
        assertFinding(findings, "token.lifetime", Finding.Severity.ERROR, "lifetime_too_long");
    }

    @Test
    void token_noTyp_note() throws Exception {
        assertFinding(runToken(token(KEY, Instant.now(), Duration.ofMinutes(5), null)), "token.typ", Finding.Severity.NOTE,
                "no typ");
    }

    @Test
    void token_signedByAKeyTheEndpointDoesNotServe_unknownKeyError() throws Exception {
        List<Finding> findings = runToken(token(generate(true), Instant.now(), Duration.ofMinutes(5), null));
        assertFinding(findings, "token.verify", Finding.Severity.ERROR, "unknown_key");
        assertFinding(findings, "token.key", Finding.Severity.ERROR, "does not serve");
    }

    @Test
    void token_neverPrinted() throws Exception {
        String token = token(KEY, Instant.now().minus(Duration.ofHours(2)), Duration.ofMinutes(15), null);
        String all = describe(runToken(token));
        for (String part : token.split("\\.")) {
            assertFalse(all.contains(part), all);
        }
        assertFalse(all.contains(KEY.getX().toString()), all);
    }

    @Test
    void escape_controlAndNonAsciiCharacters_becomeUnicodeEscapes() {
        assertEquals("a\\u001bb\\u00e9\\\\", Doctor.escape("a\u001bb\u00e9\\"));
        assertTrue(Doctor.escape("x".repeat(1000)).length() <= 203);
        assertEquals("x".getBytes(StandardCharsets.US_ASCII).length, 1);
    }
}
