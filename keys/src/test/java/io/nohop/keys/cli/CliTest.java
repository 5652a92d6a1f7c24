package io.nohop.keys.cli;

import io.nohop.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONArrayUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    Map<String, String> env = Map.of("NOHOP_PASSPHRASE", "pw");
    String store;

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void init() {
        store = tmp.resolve("store").toString();
        Result r = run("init", "--store", store, "--algorithm", "es256", "--issuer", "https://auth.example");
        assertEquals(0, r.status(), r.err());
    }

    private void assertFails(Result r, int status, String start) {
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: " + start), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "--json=maybe"})
    void list_unknownOrMalformedFlag_usageError(String flag) {
        assertEquals(2, run("list", "--store", store, flag).status());
    }

    @Test
    void unknownCommand_usageError() {
        assertFails(run("frobnicate"), 2, "unknown command frobnicate (see 'nohop help')");
    }

    @Test
    void noCommand_usageErrorListingTheCommands() {
        Result r = run();
        assertFails(r, 2, "nohop needs a command: init, rotate, revoke, list, export, issue, audit, root-key, serve, verify, status, doctor");
        assertTrue(r.err().endsWith("(see 'nohop --help')\n"), r.err());
    }

    @Test
    void groupWithoutItsCommand_usageErrorListingItsCommands() {
        assertFails(run("audit"), 2, "nohop audit needs a command: verify, acknowledge (see 'nohop audit --help')");
    }

    @Test
    void unknownCommand_closeToAKnownOne_suggestsIt() {
        assertFails(run("lst", "--store", store), 2, "unknown command lst; did you mean list?");
    }

    @Test
    void unknownOption_closeToAKnownOne_namedWithSuggestion() {
        Result r = run("list", "--store", store, "--jsno");
        assertFails(r, 2, "unknown option --jsno; did you mean --json?");
    }

    @Test
    void unknownOption_misspeltRequiredOption_reportedAsUnknownNotAsMissing() {
        Result r = run("list", "--stor", store);
        assertFails(r, 2, "unknown option --stor; did you mean --store?");
        assertEquals("nohop: unknown option --stor; did you mean --store?\n", r.err());
    }

    @Test
    void unknownOption_farFromEveryKnownOne_pointsToHelp() {
        assertFails(run("list", "--store", store, "--frobnicate"), 2, "unknown option --frobnicate (see 'nohop list --help')");
    }

    @Test
    void unexpectedArgument_usageError() {
        assertFails(run("list", "--store", store, "extra"), 2, "unexpected argument 'extra' (see 'nohop list --help')");
    }

    @Test
    void init_withIssuer_printsNoWarning() {
        Result r = run("init", "--store", tmp.resolve("x").toString(), "--issuer", "https://auth.example");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void init_withoutIssuer_createsTheStoreAndWarnsThatVerifiersWillRejectItsTokens() {
        Result r = run("init", "--store", tmp.resolve("x").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("created store"), r.out());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: warning: no --issuer: tokens from this store carry no iss claim"), r.err());
        assertTrue(r.err().contains("--issuer URI"), r.err());
    }

    @Test
    void passphraseFile_missing_saysSoInWords() {
        Path missing = tmp.resolve("no-such-file");
        Result r = run("issue", "--store", store, "--subject", "a", "--audience", "b", "--passphrase-file", missing.toString());
        assertFails(r, 1, "cannot read the passphrase file " + missing + ": no such file or folder");
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void passphraseFile_isAFolder_saysSoInWords() {
        Result r = run("issue", "--store", store, "--subject", "a", "--audience", "b", "--passphrase-file", tmp.toString());
        assertFails(r, 1, "cannot read the passphrase file " + tmp + ": is a directory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "1.5h", "-5m", "5 m"})
    void rotate_badDuration_usageError(String duration) {
        assertFails(run("rotate", "--store", store, "--publish-lead", duration), 2, "Invalid value for option '--publish-lead'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example/jwks.json", "http://keys.example/jwks.json"})
    void verify_plainHttpToAHostThatIsNotLoopback_usageErrorInOneLine(String uri) {
        Result r = run("verify", "--jwks-uri", uri, "--issuer", "https://auth.example", "--audience", "orders");
        assertFails(r, 2, "--jwks-uri: key endpoint " + uri + " is not allowed: it must use https");
        // The library's escape hatch has no command-line counterpart: the message does not offer it.
        assertTrue(!r.err().contains("unsafeAllowPlainHttp"), r.err());
    }

    @Test
    void verify_cacheFileIsADirectory_usageError() {
        assertFails(run("verify", "--jwks-uri", "https://keys.example/jwks.json", "--issuer", "https://auth.example",
                "--audience", "orders", "--cache-file", tmp.toString()), 2, "--cache-file " + tmp + " is not a regular file");
    }

    @Test
    void verify_cacheFileUnderARegularFile_usageErrorBeforeAnyFetch() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
        Path cache = file.resolve("keys.json");
        assertFails(run("verify", "--jwks-uri", "https://keys.example/jwks.json", "--issuer", "https://auth.example",
                "--audience", "orders", "--cache-file", cache.toString()), 2,
                "--cache-file " + cache + ": its directory " + file + " cannot be created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders 7f9c", "", "caf\u00e9"})
    void verify_instanceNameNotVisibleAscii_usageErrorInOneLine(String name) {
        assertFails(run("verify", "--jwks-uri", "https://keys.example/jwks.json", "--issuer", "https://auth.example",
                "--audience", "orders", "--instance", name), 2,
                "--instance: the name must be 1 to 64 visible ASCII characters");
    }

    @Test
    void issue_badTtl_usageError() {
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--ttl", "1.5h"), 2, "Invalid value");
    }

    @Test
    void issue_claimWithoutEquals_usageError() {
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim", "novalue"), 2, "--claim");
    }

    @Test
    void issue_claimJsonInvalid_usageError() {
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim-json", "x=1,\"value\":2"),
                2, "--claim-json");
    }

    /** The verifier refuses a payload with duplicate members at any depth; the issuer must not pick one silently. */
    @ParameterizedTest
    @ValueSource(strings = {"x={\"a\":1,\"a\":2}", "x=[{\"a\":{\"b\":1,\"b\":1}}]"})
    void issue_claimJsonDuplicateMemberInside_usageError(String claim) {
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim-json", claim),
                2, "--claim-json x: an object names the same member twice");
    }

    @Test
    void issue_claimJsonNestedDeeperThanAVerifierReads_usageError() {
        // The claims object is level 1: 31 arrays inside it make the 32 levels a verifier reads, 32 are one too many.
        String deep = "[".repeat(32) + "]".repeat(32);
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim-json", "x=" + deep),
                2, "--claim-json x: nested deeper than a verifier reads");
        String fits = "[".repeat(31) + "]".repeat(31);
        assertEquals(0, run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim-json", "x=" + fits).status());
    }

    @Test
    void issue_sameClaimNameTwice_usageError() {
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim", "scope=read",
                "--claim", "scope=write"), 2, "the claim scope is given more than once");
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim", "n=1",
                "--claim-json", "n=2"), 2, "the claim n is given more than once");
    }

    @Test
    void init_intoAFolderThatIsNotEmpty_failsAndChangesNothing() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(folder.resolve("notes.txt"), "mine");
        Set<java.nio.file.attribute.PosixFilePermission> before = Files.getPosixFilePermissions(folder);
        assertFails(run("init", "--store", folder.toString()), 1, folder + " is not empty (found notes.txt)");
        try (var entries = Files.list(folder)) {
            assertEquals(List.of("notes.txt"), entries.map(f -> f.getFileName().toString()).toList());
        }
        assertEquals(before, Files.getPosixFilePermissions(folder));
    }

    @Test
    void export_ontoAPipe_refusedAndThePipeLeftInPlace() throws Exception {
        Path pipe = tmp.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        assertFails(run("export", "--store", store, "--out", pipe.toString()), 1,
                "cannot write " + pipe + ": it is not a regular file (a device, pipe or socket)");
        assertTrue(Files.exists(pipe) && !Files.isRegularFile(pipe));
    }

    @Test
    void export_ontoAFolder_refusedNamingIt() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("www"));
        assertFails(run("export", "--store", store, "--out", folder.toString()), 1, "cannot write " + folder + ": it is a folder");
    }

    @Test
    void export_emptyOut_usageError() {
        assertFails(run("export", "--store", store, "--out", ""), 2, "--out must name a file");
    }

    @Test
    void listAndExport_keyPastItsRemovalStillInTheSignedSet_warnUntilRotateIfDue() {
        assertEquals(0, run("rotate", "--store", store).status());
        clock.advance(Duration.ofDays(3));
        String warning = "nohop: warning: the signed key set still publishes 1 key that should be gone";
        Result list = run("list", "--store", store);
        assertEquals(0, list.status(), list.err());
        assertTrue(list.err().contains(warning), list.err());
        Result export = run("export", "--store", store, "--out", tmp.resolve("jwks.json").toString());
        assertEquals(0, export.status(), export.err());
        assertTrue(export.err().contains(warning), export.err());
        assertEquals(0, run("rotate", "--store", store, "--if-due").status());
        Result after = run("list", "--store", store);
        assertTrue(!after.err().contains(warning), after.err());
    }

    @Test
    void issue_missingRequiredOption_usageError() {
        assertFails(run("issue", "--store", store, "--subject", "a"), 2, "Missing required option");
    }

    @Test
    void issue_printsExactlyOneTokenLine() {
        Result r = run("issue", "--store", store, "--subject", "a", "--audience", "b", "--claim", "role=admin");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void issue_missingPassphrase_failsWithClearLine() {
        env = Map.of();
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b"), 1, "no passphrase");
    }

    @Test
    void issue_passphraseFile_used() throws Exception {
        Path file = tmp.resolve("pass");
        Files.writeString(file, "pw\n");
        env = Map.of();
        assertEquals(0, run("issue", "--store", store, "--subject", "a", "--audience", "b", "--passphrase-file", file.toString()).status());
    }

    @Test
    void issue_ttlOverMaxLifetime_refused() {
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b", "--ttl", "2h"), 1, "refused");
    }

    @Test
    void issue_noActiveKey_fails() {
        String kid = kids().get(0);
        assertEquals(0, run("revoke", "--store", store, "--kid", kid, "--force").status());
        assertFails(run("issue", "--store", store, "--subject", "a", "--audience", "b"), 1, "no key is active");
    }

    @Test
    void issue_noTtl_storeAllowsLessThanTheDefault_tokenLivesAsLongAsTheStoreAllows() throws Exception {
        String shortLived = tmp.resolve("short").toString();
        assertEquals(0, run("init", "--store", shortLived, "--algorithm", "ES256", "--issuer", "https://auth.example",
                "--max-token-lifetime", "2m").status());
        Result r = run("issue", "--store", shortLived, "--subject", "a", "--audience", "b");
        assertEquals(0, r.status(), r.err());
        com.nimbusds.jwt.JWTClaimsSet claims = com.nimbusds.jwt.SignedJWT.parse(r.out().trim()).getJWTClaimsSet();
        assertEquals(120_000, claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
    }

    @Test
    void issue_ttlOverAShortStoreLifetime_stillRefused() {
        String shortLived = tmp.resolve("short").toString();
        assertEquals(0, run("init", "--store", shortLived, "--algorithm", "ES256", "--issuer", "https://auth.example",
                "--max-token-lifetime", "2m").status());
        assertFails(run("issue", "--store", shortLived, "--subject", "a", "--audience", "b", "--ttl", "5m"), 1, "refused");
    }

    @Test
    void revoke_emptyKid_usageError() {
        assertFails(run("revoke", "--store", store, "--kid", ""), 2, "--kid must name a key");
    }

    @Test
    void revoke_unknownKid_fails() {
        assertFails(run("revoke", "--store", store, "--kid", "nope"), 1, "unknown kid nope");
    }

    @Test
    void revoke_lastKey_refusedUnlessForced_thenSaysSigningStops() {
        String kid = kids().get(0);
        assertFails(run("revoke", "--store", store, "--kid", kid), 1, "refused");
        Result forced = run("revoke", "--store", store, "--kid", kid, "--force", "--reason", "drill");
        assertEquals(0, forced.status());
        assertTrue(forced.err().contains("signing stops"), forced.err());
    }

    @Test
    void list_missingStore_fails() {
        assertFails(run("list", "--store", tmp.resolve("none").toString()), 1, "no store at");
    }

    @Test
    void init_issuerNotAUri_usageError() {
        assertEquals(2, run("init", "--store", tmp.resolve("x").toString(), "--issuer", "not a uri").status());
    }

    @Test
    void init_leadShorterThanTwiceRefresh_refused() {
        assertFails(run("init", "--store", tmp.resolve("x").toString(), "--publish-lead", "1h"), 1, "refused");
    }

    @Test
    void listJson_exactShape() throws Exception {
        assertEquals(0, run("rotate", "--store", store).status());
        Result r = run("list", "--store", store, "--json");
        assertEquals(0, r.status(), r.err());
        List<Object> array = JSONArrayUtils.parse(r.out());
        assertEquals(2, array.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) array.get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> second = (Map<String, Object>) array.get(1);
        Set<String> keys = Set.of("kid", "alg", "state", "createdAt", "activateAt", "deactivateAt", "removeAt", "revokedAt");
        assertEquals(keys, first.keySet());
        assertEquals(keys, second.keySet());
        assertEquals("ES256", first.get("alg"));
        assertEquals("ACTIVE", first.get("state"));
        assertEquals("2030-01-01T00:00:00Z", first.get("createdAt"));
        assertEquals("2030-01-02T00:00:00Z", first.get("deactivateAt"));
        assertEquals("2030-01-02T01:01:00Z", first.get("removeAt"));
        assertEquals(null, first.get("revokedAt"));
        assertTrue(r.out().contains("\"revokedAt\":null"));
        assertEquals("PENDING", second.get("state"));
        assertEquals(null, second.get("deactivateAt"));
    }

    @Test
    void list_table_showsNextTransition() {
        assertEquals(0, run("rotate", "--store", store).status());
        Result r = run("list", "--store", store);
        assertTrue(r.out().contains("ACTIVE    RETIRING at 2030-01-02T00:00:00Z"), r.out());
        assertTrue(r.out().contains("PENDING   ACTIVE at 2030-01-02T00:00:00Z"), r.out());
    }

    @Test
    void rotateIfDue_fromCron_idempotent() {
        clock.advance(Duration.ofDays(29));
        assertEquals("scheduled", run("rotate", "--store", store, "--if-due").out().substring(0, 9));
        assertEquals("no rotation due\n", run("rotate", "--store", store, "--if-due").out());
        assertEquals(2, kids().size());
    }

    @Test
    void auditVerify_intactThenBroken() throws Exception {
        assertEquals(0, run("audit", "verify", "--store", store).status());
        Path log = tmp.resolve("store").resolve("audit.log");
        Files.writeString(log, Files.readString(log).replace("init", "tini"));
        assertFails(run("audit", "verify", "--store", store), 1, "audit verify failed: audit entry 1");
    }

    @Test
    void export_oneKey_saysKeyInTheSingular() {
        Path out = tmp.resolve("jwks.json");
        Result r = run("export", "--store", store, "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("wrote 1 key to " + out + "\n", r.out());
    }

    @Test
    void export_twoKeys_saysKeysInThePlural() {
        assertEquals(0, run("rotate", "--store", store).status());
        Path out = tmp.resolve("jwks.json");
        assertEquals("wrote 2 keys to " + out + "\n", run("export", "--store", store, "--out", out.toString()).out());
    }

    @Test
    void export_missingFolders_createdAndSaid() throws Exception {
        Path out = tmp.resolve("srv").resolve(".well-known").resolve("jwks.json");
        Result r = run("export", "--store", store, "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(out).contains(kids().get(0)));
        assertEquals("wrote 1 key to " + out + " (created the folder " + out.getParent() + ")\n", r.out());
    }

    @Test
    void export_aFileInTheWayOfTheFolder_namesIt() throws Exception {
        Path file = Files.writeString(tmp.resolve("srv"), "not a folder");
        Path out = file.resolve(".well-known").resolve("jwks.json");
        assertFails(run("export", "--store", store, "--out", out.toString()), 1,
                "cannot create the folder " + out.getParent() + ": " + file + " is a file, not a folder");
    }

    @Test
    void export_writesPublicJwks() throws Exception {
        Path out = tmp.resolve("jwks.json");
        assertEquals(0, run("export", "--store", store, "--out", out.toString()).status());
        String jwks = Files.readString(out);
        assertTrue(jwks.contains("\"use\":\"sig\"") && jwks.contains(kids().get(0)) && !jwks.contains("\"d\""), jwks);
    }

    @SuppressWarnings("unchecked")
    private List<String> kids() {
        try {
            return JSONArrayUtils.parse(run("list", "--store", store, "--json").out()).stream()
                    .map(o -> (String) ((Map<String, Object>) o).get("kid")).toList();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

}
