package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nohop doctor} as a user runs it: a clean bill of health against the endpoint {@code nohop serve}
 * runs ({@link JwksServer} on a temp store, port 0), with and without --store and --key-set-signer; exit
 * status, the one stderr line, --json and usage errors.
 */
class DoctorCommandTest {

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @TempDir
    Path tmp;

    private final Clock clock = Clock.systemUTC();
    private JwksServer server;
    private FakeKeyEndpoint fake;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, Map.of("NOHOP_PASSPHRASE", "pw"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A store as the README's walk-through makes one, served as nohop serve serves it (max-age 5m). */
    private String serveStore() throws Exception {
        String store = tmp.resolve("store").toString();
        Result init = run("init", "--store", store, "--algorithm", "ES256", "--issuer", "https://auth.example");
        assertEquals(0, init.status(), init.err());
        server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StorePublication.of(Path.of(store), clock), new JwksServer.Settings().clock(clock)
                        .maxAge(Duration.ofMinutes(5)));
        return store;
    }

    private String file(String name, String content) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file.toString();
    }

    private String tokenFile(String store) throws Exception {
        Result issued = run("issue", "--store", store, "--subject", "alice", "--audience", "orders", "--ttl", "15m");
        assertEquals(0, issued.status(), issued.err());
        return file("token.jwt", issued.out());
    }

    private static void assertCleanBill(Result r) {
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("error") || l.startsWith("warning")), r.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("0 errors, 0 warnings, "), r.out());
    }

    @Test
    void doctor_plainKeySetOfNohopServe_cleanBillOfHealth() throws Exception {
        String store = serveStore();
        Result r = run("doctor", "--jwks-uri", server.boundUrl() + JwksServer.JWKS_PATH, "--issuer",
                "https://auth.example", "--audience", "orders", "--token-file", tokenFile(store));
        assertCleanBill(r);
        assertTrue(r.out().contains("ok      caching.conditional_get: "), r.out());
        assertTrue(r.out().contains("ok      token.verify: the sample token verifies"), r.out());
    }

    @Test
    void doctor_withStoreAndKeySetSigner_cleanBillOfHealth() throws Exception {
        String store = serveStore();
        String root = file("root.jwk", run("root-key", "--store", store).out());
        Result r = run("doctor", "--jwks-uri", server.boundUrl() + JwksServer.SIGNED_JWKS_PATH, "--issuer",
                "https://auth.example", "--audience", "orders", "--token-file", tokenFile(store), "--store", store,
                "--key-set-signer", root);
        assertCleanBill(r);
        for (String check : List.of("caching.publish_lead", "keys.signed_set", "keys.signed_set_expiry",
                "keys.store_agrees", "token.key")) {
            assertTrue(r.out().contains("ok      " + check + ": "), check + "\n" + r.out());
        }
        assertTrue(r.out().contains("the store's ACTIVE key"), r.out());
    }

    @Test
    void doctor_json_anArrayOfFindingsWithTheDocumentedMembers() throws Exception {
        serveStore();
        Result r = run("doctor", "--jwks-uri", server.boundUrl() + JwksServer.JWKS_PATH, "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        List<Object> findings = JSONObjectUtils.parse("{\"a\":" + r.out().trim() + "}").get("a") instanceof List<?> l
                ? new ArrayList<>(l) : List.of();
        assertFalse(findings.isEmpty(), r.out());
        for (Object finding : findings) {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) finding;
            assertEquals(List.of("severity", "check", "message", "action"), new ArrayList<>(f.keySet()), f.toString());
            assertTrue(List.of("error", "warning", "note", "ok").contains(f.get("severity")), f.toString());
        }
    }

    @Test
    void doctor_somethingThatBreaksVerification_exit1WithOneStderrLine() throws Exception {
        fake = new FakeKeyEndpoint();
        fake.route(JwksServer.JWKS_PATH, FakeKeyEndpoint.Route.json("{\"keys\":[]}"));
        Result r = run("doctor", "--jwks-uri", fake.uri(JwksServer.JWKS_PATH).toString());
        assertEquals(1, r.status(), r.out());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: doctor found "), r.err());
        assertTrue(r.out().contains("error   keys.document: verifiers refuse this key set (empty_set"), r.out());
    }

    @Test
    void doctor_warningsOnly_exit0() throws Exception {
        fake = new FakeKeyEndpoint();
        fake.route(JwksServer.JWKS_PATH, FakeKeyEndpoint.Route.json(DoctorTest.jwks(
                "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"))
                .withHeader("ETag", null));
        Result r = run("doctor", "--jwks-uri", fake.uri(JwksServer.JWKS_PATH).toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("warning caching.etag: "), r.out());
    }

    @Test
    void doctor_neitherJwksUriNorIssuer_usageError() {
        Result r = run("doctor");
        assertEquals(2, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: doctor needs --jwks-uri URL or --issuer ISS"), r.err());
    }

    @Test
    void doctor_issuerAloneThatIsNotAUrl_usageError() {
        Result r = run("doctor", "--issuer", "orders-issuer");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("nohop: --issuer"), r.err());
    }

    @Test
    void doctor_unreadableTokenFile_usageError() {
        Result r = run("doctor", "--jwks-uri", "http://127.0.0.1:9/jwks.json", "--token-file",
                tmp.resolve("missing.jwt").toString());
        assertEquals(2, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("--token-file") && r.err().contains("cannot be read"), r.err());
    }

    @Test
    void doctor_tokenFileWithTwoTokens_usageError() throws Exception {
        Result r = run("doctor", "--jwks-uri", "http://127.0.0.1:9/jwks.json", "--token-file", file("two", "a.b.c\nd.e.f\n"));
        assertEquals(2, r.status());
        assertTrue(r.err().contains("more than one line"), r.err());
    }
}
