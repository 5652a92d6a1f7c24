package io.nohop.keys.cli;

import io.nohop.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.nohop.keys.server.StorePublication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What someone who can write the store folder but lacks the passphrase can try (issue 10, holes 2 and
 * 3), through the tool as a user runs it. Only the tool's own command line and files are used, so the
 * same tests run against a build from before signed key sets (where they fail).
 */
class StoreTamperingTest {

    record Result(int status, String out, String err) {
    }

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    final Map<String, String> env = Map.of("NOHOP_PASSPHRASE", "pw");
    Path store;

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void init() {
        store = tmp.resolve("store");
        Result r = run("init", "--store", store.toString(), "--algorithm", "ES256", "--issuer", "https://auth.example");
        assertEquals(0, r.status(), r.err());
    }

    /** Drops keys/<thumbprint>.json holding only an attacker's public key, PENDING, as the issue describes. */
    private String dropAttackerRecord() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String kid = key.computeThumbprint().toString();
        ECKey published = new ECKey.Builder(key.toPublicJWK()).keyID(kid).algorithm(JWSAlgorithm.ES256)
                .keyUse(KeyUse.SIGNATURE).build();
        String record = "{\"format\":1,\"seq\":99,\"kid\":\"" + kid + "\",\"alg\":\"ES256\",\"jwk\":"
                + published.toJSONString() + ",\"createdAt\":\"2030-01-01T00:00:00Z\",\"activateAt\":\"2030-01-02T00:00:00Z\","
                + "\"deactivateAt\":null,\"removeAt\":null,\"revokedAt\":null,\"revocationReason\":null,\"privateKey\":null}\n";
        Files.writeString(store.resolve("keys").resolve(kid + ".json"), record);
        return kid;
    }

    @Test
    void serve_recordWithoutPassphrase_notPublished() throws Exception {
        String kid = dropAttackerRecord();
        String jwks = StorePublication.of(store, clock).publicationAt(clock.instant()).jwksJson();
        assertFalse(jwks.contains(kid), jwks);
    }

    @Test
    void export_recordWithoutPassphrase_notExported() throws Exception {
        String kid = dropAttackerRecord();
        Path out = tmp.resolve("jwks.json");
        assertEquals(0, run("export", "--store", store.toString(), "--out", out.toString()).status());
        assertFalse(Files.readString(out).contains(kid));
    }

    @Test
    void rotateIfDue_recordWithoutPassphrase_neverSignedIntoThePublishedSet() throws Exception {
        String kid = dropAttackerRecord();
        clock.advance(Duration.ofDays(29));
        Result cron = run("rotate", "--store", store.toString(), "--if-due");
        assertEquals(0, cron.status(), cron.err());
        String jwks = StorePublication.of(store, clock).publicationAt(clock.instant()).jwksJson();
        assertFalse(jwks.contains(kid), jwks);
    }

    /** Rotates, copies keyset.jwt (the attacker's copy, holding both keys), then revokes the new key. Returns its kid. */
    private String revokeAfterCopyingTheKeySet(Path copy) throws Exception {
        assertEquals(0, run("rotate", "--store", store.toString()).status());
        Files.copy(store.resolve("keyset.jwt"), copy);
        List<Object> keys = com.nimbusds.jose.util.JSONArrayUtils.parse(run("list", "--store", store.toString(), "--json").out());
        String second = (String) ((Map<?, ?>) keys.get(1)).get("kid");
        clock.advance(Duration.ofMinutes(1));
        Result revoked = run("revoke", "--store", store.toString(), "--kid", second);
        assertEquals(0, revoked.status(), revoked.err());
        return second;
    }

    /** An older keyset.jwt put back by someone without the passphrase would bring a revoked key back: not exported. */
    @Test
    void export_olderKeySetPutBack_revokedKeyNotExported() throws Exception {
        Path copy = tmp.resolve("keyset-before-revoke.jwt");
        String revoked = revokeAfterCopyingTheKeySet(copy);
        Files.copy(copy, store.resolve("keyset.jwt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        for (boolean signed : new boolean[] {false, true}) {
            Path out = tmp.resolve(signed ? "jwks.jwt" : "jwks.json");
            Result r = signed ? run("export", "--store", store.toString(), "--out", out.toString(), "--signed")
                    : run("export", "--store", store.toString(), "--out", out.toString());
            assertEquals(1, r.status(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("still holds key " + revoked + ", revoked at"), r.err());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void serve_olderKeySetPutBack_revokedKeyNotPublished() throws Exception {
        Path copy = tmp.resolve("keyset-before-revoke.jwt");
        String revoked = revokeAfterCopyingTheKeySet(copy);
        Files.copy(copy, store.resolve("keyset.jwt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        io.nohop.keys.StoreException refused = org.junit.jupiter.api.Assertions.assertThrows(io.nohop.keys.StoreException.class,
                () -> StorePublication.of(store, clock).publicationAt(clock.instant()));
        assertTrue(refused.getMessage().contains("still holds key " + revoked), refused.getMessage());
    }

    @Test
    void rotateIfDue_olderKeySetPutBack_signsACurrentSetWithoutTheRevokedKey() throws Exception {
        Path copy = tmp.resolve("keyset-before-revoke.jwt");
        String revoked = revokeAfterCopyingTheKeySet(copy);
        Files.copy(copy, store.resolve("keyset.jwt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Result cron = run("rotate", "--store", store.toString(), "--if-due");
        assertEquals(0, cron.status(), cron.err());
        String jwks = StorePublication.of(store, clock).publicationAt(clock.instant()).jwksJson();
        assertFalse(jwks.contains(revoked), jwks);
    }

    @Test
    void list_recordWithoutPassphrase_saysSoLoudly() throws Exception {
        String kid = dropAttackerRecord();
        Result r = run("list", "--store", store.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains(kid + ".json was never signed by the root key"), r.err());
    }

    @Test
    void auditVerify_recordWithoutPassphrase_exitsOne() throws Exception {
        String kid = dropAttackerRecord();
        Result r = run("audit", "verify", "--store", store.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue((r.out() + r.err()).contains(kid), r.out() + r.err());
    }

    @Test
    void auditVerify_entryChangedWithChainAndHeadRecomputed_exitsOne() throws Exception {
        assertEquals(0, run("rotate", "--store", store.toString()).status());
        Path log = store.resolve("audit.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(log));
        lines.set(0, lines.get(0).replace("\"operator\":\"", "\"operator\":\"mallory-was-"));
        String prev = "0".repeat(64);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"");
            lines.set(i, line);
            prev = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        }
        Files.write(log, lines);
        Path head = store.resolve("audit.head");
        Files.writeString(head, Files.readString(head).replaceFirst("\"entries\":[0-9]+", "\"entries\":" + lines.size())
                .replaceFirst("\"sha256\":\"[0-9a-f]{64}\"", "\"sha256\":\"" + prev + "\""));
        Result r = run("audit", "verify", "--store", store.toString());
        assertEquals(1, r.status(), r.out() + r.err());
    }

    @Test
    void auditVerify_lastEntryDeletedThenWritingCommand_stillReportsTheLoss() throws Exception {
        assertEquals(0, run("rotate", "--store", store.toString()).status());
        Path log = store.resolve("audit.log");
        List<String> lines = Files.readAllLines(log);
        Files.write(log, lines.subList(0, lines.size() - 1));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(0, run("rotate", "--store", store.toString(), "--force").status());
        Result r = run("audit", "verify", "--store", store.toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("entries lost after #" + (lines.size() - 1)), r.err());
    }
}
