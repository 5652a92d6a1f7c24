package io.nohop.keys.cli;

import io.nohop.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.server.StorePublication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line of signed key sets: init options, root-key, export --signed, and stores made before them. */
class SignedKeySetCliTest {

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @TempDir
    Path tmp;

    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    Map<String, String> env = Map.of("NOHOP_PASSPHRASE", "pw");

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String init(String... extra) {
        String store = tmp.resolve("store").toString();
        List<String> args = new java.util.ArrayList<>(List.of("init", "--store", store, "--algorithm", "ES256",
                "--issuer", "https://auth.example"));
        args.addAll(List.of(extra));
        Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return store;
    }

    private static void assertOneLineFailure(Result r, int status, String contains) {
        assertEquals(status, r.status(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: ") && r.err().contains(contains), r.err());
    }

    @Test
    void init_saysWhichRootToPin() {
        String store = tmp.resolve("store").toString();
        Result r = run("init", "--store", store);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("root key ") && l.endsWith("services pin it: nohop root-key --store "
                + Path.of(store).toAbsolutePath())), r.out());
    }

    @Test
    void rootKey_printsThePublicJwkOnOneLine_withoutPassphrase() throws Exception {
        String store = init();
        env = Map.of();
        Result r = run("root-key", "--store", store);
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        JWK root = JWK.parse(r.out().trim());
        assertFalse(root.isPrivate());
        assertEquals(root.computeThumbprint().toString(), root.getKeyID());
        assertEquals("ES256", root.getAlgorithm().getName());
        assertEquals(root.getKeyID(), SigningKeyStore.open(Path.of(store), clock).snapshot().signedKeySet().orElseThrow().signerKid());
    }

    @Test
    void init_rootAlgorithm_givesTheRootThatAlgorithm() throws Exception {
        String store = init("--root-algorithm", "EdDSA");
        JWK root = JWK.parse(run("root-key", "--store", store).out().trim());
        assertTrue(root instanceof OctetKeyPair, root.toJSONString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"91d", "0s"})
    void init_absurdKeySetLifetime_usageError(String lifetime) {
        Result r = run("init", "--store", tmp.resolve("x").toString(), "--key-set-lifetime", lifetime);
        assertOneLineFailure(r, 2, "key-set lifetime");
        assertFalse(Files.exists(tmp.resolve("x").resolve("store.json")));
    }

    /** A well-formed lifetime under 2R breaks the timeline: a refused schedule (exit 1), like a publish lead under 2R. */
    @Test
    void init_keySetLifetimeUnderTwiceTheRefreshBound_refusedSchedule() {
        Result r = run("init", "--store", tmp.resolve("x").toString(), "--key-set-lifetime", "90m");
        assertOneLineFailure(r, 1, "refused: key-set lifetime");
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void init_rotationPeriodNotLongerThanThePublishLead_refusedSchedule() {
        Result r = run("init", "--store", tmp.resolve("x").toString(), "--publish-lead", "3d", "--rotation-period", "2d");
        assertOneLineFailure(r, 1, "refused: rotation period");
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void init_keySetLifetime_isExpMinusIat() throws Exception {
        String store = init("--key-set-lifetime", "2d");
        var set = SigningKeyStore.open(Path.of(store), clock).snapshot().signedKeySet().orElseThrow();
        assertEquals(java.time.Duration.ofDays(2), java.time.Duration.between(set.issuedAt(), set.expiresAt()));
    }

    @Test
    void rootKeyNext_nothingStaged_failsWithOneLine() {
        assertOneLineFailure(run("root-key", "--store", init(), "--next"), 1, "no successor root is staged");
    }

    @Test
    void rootKey_algorithmWithoutCreateOrRotate_usageError() {
        assertOneLineFailure(run("root-key", "--store", init(), "--algorithm", "ES256"), 2, "--algorithm");
    }

    @Test
    void rootKey_twoModes_usageError() {
        assertEquals(2, run("root-key", "--store", init(), "--rotate", "--switch").status());
    }

    @Test
    void rootKeyRotateThenSwitch_nextIsPrintedThenSigns() throws Exception {
        String store = init();
        String old = run("root-key", "--store", store).out().trim();
        Result staged = run("root-key", "--store", store, "--rotate");
        assertEquals(0, staged.status(), staged.err());
        String next = run("root-key", "--store", store, "--next").out().trim();
        assertEquals(old, run("root-key", "--store", store).out().trim(), "the current root still signs");
        Result switched = run("root-key", "--store", store, "--switch");
        assertEquals(0, switched.status(), switched.err());
        assertEquals(next, run("root-key", "--store", store).out().trim());
        assertTrue(switched.out().contains("unpin the previous root " + JWK.parse(old).getKeyID()), switched.out());
        assertEquals(0, run("audit", "verify", "--store", store).status());
    }

    /**
     * root.json can be written without the passphrase: a successor staged there by someone else (their own key, with
     * the endorsement removed, or under the genuine successor's endorsement) is not printed for pinning.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rootKeyNext_successorSwappedInRootJson_refusedNotPrinted(boolean keepEndorsement) throws Exception {
        String store = init();
        assertEquals(0, run("root-key", "--store", store, "--rotate").status());
        Path rootFile = Path.of(store, "root.json");
        Map<String, Object> roots = com.nimbusds.jose.util.JSONObjectUtils.parse(Files.readString(rootFile));
        @SuppressWarnings("unchecked")
        Map<String, Object> next = (Map<String, Object>) roots.get("next");
        com.nimbusds.jose.jwk.ECKey attacker = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .keyIDFromThumbprint(true).keyUse(com.nimbusds.jose.jwk.KeyUse.SIGNATURE)
                .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256).generate().toPublicJWK();
        next.put("kid", attacker.getKeyID());
        next.put("jwk", attacker.toJSONObject());
        if (!keepEndorsement) {
            next.put("endorsement", null);
        }
        Files.writeString(rootFile, com.nimbusds.jose.util.JSONObjectUtils.toJSONString(roots));

        Result r = run("root-key", "--store", store, "--next");
        assertOneLineFailure(r, 1, "is not endorsed by the current root");
        assertFalse(r.out().contains(attacker.getX().toString()), r.out());
    }

    @Test
    void rootKeyRotate_missingPassphrase_failsWithOneLine() {
        String store = init();
        env = Map.of();
        assertOneLineFailure(run("root-key", "--store", store, "--rotate"), 1, "no passphrase");
    }

    @Test
    void revoke_needsThePassphrase() {
        String store = init();
        assertEquals(0, run("rotate", "--store", store).status());
        env = Map.of();
        assertOneLineFailure(run("revoke", "--store", store, "--kid", "whatever"), 1, "no passphrase");
    }

    @Test
    void exportSigned_writesTheCompactJwsOfTheLatestSet() throws Exception {
        String store = init();
        Path out = tmp.resolve("jwks.jwt");
        Result r = run("export", "--store", store, "--out", out.toString(), "--signed");
        assertEquals(0, r.status(), r.err());
        assertEquals(Files.readString(Path.of(store, SigningKeyStore.KEY_SET_FILE)), Files.readString(out));
        assertTrue(Files.readString(out).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"));
    }

    @Test
    void exportAndServe_keySetMissing_failWithOneLineNamingTheFix() throws Exception {
        String store = init();
        Files.delete(Path.of(store, SigningKeyStore.KEY_SET_FILE));
        assertOneLineFailure(run("export", "--store", store, "--out", tmp.resolve("j").toString()), 1, "--if-due");
        assertFalse(Files.exists(tmp.resolve("j")));
        assertEquals(0, run("rotate", "--store", store, "--if-due").status());
        assertEquals(0, run("export", "--store", store, "--out", tmp.resolve("j").toString()).status());
    }

    @Test
    void list_keySetMissing_warnsOnStderr() throws Exception {
        String store = init();
        Files.delete(Path.of(store, SigningKeyStore.KEY_SET_FILE));
        Result r = run("list", "--store", store);
        assertEquals(0, r.status());
        assertTrue(r.err().startsWith("nohop: warning: the signed key set keyset.jwt is missing"), r.err());
    }

    @Test
    void auditAcknowledge_recordedLoss_verifyThenPassesAndStillPrintsIt() throws Exception {
        String store = init();
        assertEquals(0, run("rotate", "--store", store).status());
        Path log = Path.of(store, "audit.log");
        List<String> lines = Files.readAllLines(log);
        Files.write(log, lines.subList(0, lines.size() - 1));
        assertEquals(0, run("rotate", "--store", store, "--force").status());
        Result failed = run("audit", "verify", "--store", store);
        assertOneLineFailure(failed, 1, "audit verify failed: entries lost after #" + (lines.size() - 1));
        String lossEntry = String.valueOf(lines.size());
        assertTrue(failed.out().contains("problem: entries lost after #" + (lines.size() - 1) + " (recorded in entry #"
                + lossEntry), failed.out());
        assertTrue(failed.out().contains("nohop audit acknowledge --entry " + lossEntry), failed.out());
        Result ack = run("audit", "acknowledge", "--store", store, "--entry", lossEntry, "--reason", "checked the backup");
        assertEquals(0, ack.status(), ack.err());
        Result passed = run("audit", "verify", "--store", store);
        assertEquals(0, passed.status(), passed.out() + passed.err());
        assertTrue(passed.out().contains("note: entries lost after #" + (lines.size() - 1)), passed.out());
        assertTrue(passed.out().contains("checked the backup"), passed.out());
    }

    // ------------------------------------------------------------ a store made before signed key sets

    /** A store made by nohop before signed key sets (main at 1ae5fa8: init, then rotate), passphrase "legacy-passphrase". */
    private String legacyStore() throws IOException {
        Path target = tmp.resolve("legacy");
        Path source = Path.of("src/test/resources/legacy-store");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        env = Map.of("NOHOP_PASSPHRASE", "legacy-passphrase");
        clock = MutableClock.at("2026-11-30T06:00:00Z");
        return target.toString();
    }

    @Test
    void legacyStore_publishingCommandsFailWithOneLineNamingRootKeyCreate() throws Exception {
        String store = legacyStore();
        String fix = "run nohop root-key --store " + Path.of(store).toAbsolutePath() + " --create";
        assertOneLineFailure(run("export", "--store", store, "--out", tmp.resolve("j").toString()), 1, fix);
        assertOneLineFailure(run("rotate", "--store", store), 1, fix);
        assertOneLineFailure(run("rotate", "--store", store, "--if-due"), 1, fix);
        assertOneLineFailure(run("revoke", "--store", store, "--kid", "x"), 1, fix);
        assertOneLineFailure(run("issue", "--store", store, "--subject", "a", "--audience", "b"), 1, fix);
        assertOneLineFailure(run("audit", "verify", "--store", store), 1, fix);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> StorePublication.of(Path.of(store), clock).publicationAt(clock.instant()));
        assertTrue(e.getMessage().contains(fix), e.getMessage());
    }

    @Test
    void legacyStore_rootKeyCreate_thenEverythingWorks() throws Exception {
        String store = legacyStore();
        Result created = run("root-key", "--store", store, "--create");
        assertEquals(0, created.status(), created.err());
        Path out = tmp.resolve("jwks.json");
        assertEquals(0, run("export", "--store", store, "--out", out.toString()).status());
        for (String kid : List.of("p-0077E8SgdYouYOgUDMnDIcDoa5b1FIohzWBWtzAjo", "QqHihiOadhWybSX0j-jNMbmeTFBzyuSwdlrpxkPbM2A")) {
            assertTrue(Files.readString(out).contains(kid), kid);
        }
        Result audit = run("audit", "verify", "--store", store);
        assertEquals(0, audit.status(), audit.out() + audit.err());
        assertEquals(0, run("issue", "--store", store, "--subject", "a", "--audience", "b").status());
        assertTrue(Files.readString(Path.of(store, "store.json")).startsWith("{\"format\":2,"));
        assertOneLineFailure(run("root-key", "--store", store, "--create"), 1, "already has a root key");
    }

    @Test
    void legacyStore_recordDroppedBeforeTheUpgrade_leftOutOfTheFirstSet() throws Exception {
        String store = legacyStore();
        Path genuine = Path.of(store, "keys", "QqHihiOadhWybSX0j-jNMbmeTFBzyuSwdlrpxkPbM2A.json");
        // A public-only copy of a record under a new sequence number: what someone without the passphrase can write.
        String text = Files.readString(genuine).replaceAll("\"privateKey\":\\{[^}]*\\}", "\"privateKey\":null");
        Files.delete(genuine);
        Files.writeString(genuine, text);
        assertEquals(0, run("root-key", "--store", store, "--create").status());
        Path out = tmp.resolve("jwks.json");
        assertEquals(0, run("export", "--store", store, "--out", out.toString()).status());
        assertFalse(Files.readString(out).contains("QqHihiOadhWybSX0j-jNMbmeTFBzyuSwdlrpxkPbM2A"));
        assertEquals(1, run("audit", "verify", "--store", store).status());
    }
}
