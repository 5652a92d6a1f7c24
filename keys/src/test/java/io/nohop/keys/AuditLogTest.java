package io.nohop.keys;

import io.nohop.core.testing.MutableClock;
import static io.nohop.keys.TestStores.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.keys.internal.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path tmp;

    MutableClock clock;
    SigningKeyStore store;
    Path log;
    Path head;

    @BeforeEach
    void someEntries() throws Exception {
        clock = MutableClock.at("2030-01-01T00:00:00Z");
        store = TestStores.create(tmp.resolve("s"), clock);
        String first = store.snapshot().records().get(0).kid();
        store.rotate(RotationRequest.standard(), PASSPHRASE);
        clock.advance(Duration.ofMinutes(1));
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        store.revoke(first, Optional.of("drill"), false, PASSPHRASE);
        log = store.folder().resolve("audit.log");
        head = store.folder().resolve("audit.head");
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(log));
    }

    private long events(String event) throws Exception {
        return lines().stream().filter(l -> l.contains("\"event\":\"" + event + "\"")).count();
    }

    /** What someone without the passphrase can do: rewrite the chain and the head's count and hash (not its MAC). */
    private void rewriteChainAndHead(List<String> lines) throws Exception {
        String prev = "0".repeat(64);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("\"prev\":\"[0-9a-f]{64}\"", "\"prev\":\"" + prev + "\"");
            lines.set(i, line);
            prev = AuditLog.sha256Hex(line.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(log, lines);
        String text = Files.readString(head);
        Files.writeString(head, text.replaceFirst("\"entries\":[0-9]+", "\"entries\":" + lines.size())
                .replaceFirst("\"sha256\":\"[0-9a-f]{64}\"", "\"sha256\":\"" + prev + "\""));
    }

    @Test
    void verify_untouchedLog_intact() throws Exception {
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.intact(), v.problems().toString());
        assertEquals(lines().size(), v.entries());
        assertEquals(3, events("created"));
        assertEquals(1, events("revoked"));
        assertEquals(4, events("key-set-signed"));
    }

    @Test
    void verify_wrongPassphrase_refused() {
        assertThrows(WrongPassphraseException.class, () -> store.verifyAudit("wrong".toCharArray()));
    }

    @Test
    void verify_editedEntry_namesTheEditedEntry() throws Exception {
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("\"reason\":null", "\"reason\":\"edited\""));
        Files.write(log, lines);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().startsWith("audit entry 2 (line 2) was altered"), v.problem().orElseThrow());
    }

    @Test
    void verify_editedEntryWithChainAndHeadRecomputed_refused() throws Exception {
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("\"reason\":null", "\"reason\":\"edited\""));
        rewriteChainAndHead(lines);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problems().contains("audit entry 2 (line 2) was altered or written without the passphrase: its MAC"
                + " does not match"), v.problems().toString());
        assertTrue(v.problems().stream().anyMatch(p -> p.contains("audit.head was altered without the passphrase")),
                v.problems().toString());
    }

    @Test
    void verify_removedEntry_detected() throws Exception {
        List<String> lines = lines();
        lines.remove(1);
        Files.write(log, lines);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().startsWith("audit entry 2 (line 2)"), v.problem().orElseThrow());
    }

    @Test
    void verify_lastEntriesCutOff_detectedThroughTheHead() throws Exception {
        List<String> lines = lines();
        Files.write(log, lines.subList(0, 2));
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().contains("audit.head"), v.problem().orElseThrow());
    }

    @Test
    void verify_lastEntriesCutOffAndHeadRewritten_detected() throws Exception {
        List<String> lines = lines();
        rewriteChainAndHead(new ArrayList<>(lines.subList(0, 3)));
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().contains("audit.head was altered without the passphrase"), v.problem().orElseThrow());
    }

    @Test
    void verify_editedLastEntry_detected() throws Exception {
        List<String> lines = lines();
        int last = lines.size() - 1;
        lines.set(last, lines.get(last).replace("\"operator\":\"", "\"operator\":\"x"));
        Files.write(log, lines);
        assertFalse(store.verifyAudit(PASSPHRASE).intact());
    }

    @Test
    void verify_appendedEntryWithoutMac_detected() throws Exception {
        List<String> lines = lines();
        String prev = AuditLog.sha256Hex(lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8));
        lines.add("{\"seq\":" + (lines.size() + 1) + ",\"time\":\"2030-01-01T00:02:00Z\",\"operator\":\"x\",\"command\":\"rotate\","
                + "\"event\":\"acknowledged\",\"kid\":null,\"reason\":null,\"detail\":null,\"prev\":\"" + prev + "\"}");
        Files.write(log, lines);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problems().stream().anyMatch(p -> p.startsWith("audit entry " + lines.size() + " (line "
                + lines.size() + ") has no MAC")), v.problems().toString());
    }

    @Test
    void verify_tornLastLine_ignoredAsInterruptedWrite() throws Exception {
        Files.writeString(log, "{\"seq\":5,\"ti", java.nio.file.StandardOpenOption.APPEND);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.intact(), v.problems().toString());
        assertTrue(v.tornTail());
    }

    @Test
    void writer_afterTailCutOff_recordsTheLossInsteadOfResynchronising() throws Exception {
        List<String> lines = lines();
        Files.write(log, lines.subList(0, lines.size() - 1));
        clock.advance(Duration.ofMinutes(1));
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        assertEquals(1, events("entries-lost"));
        assertTrue(lines().get(lines.size() - 1).contains("\"data\":{\"lostAfter\":" + (lines.size() - 1) + "}"),
                lines().get(lines.size() - 1));
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().startsWith("entries lost after #" + (lines.size() - 1)), v.problem().orElseThrow());
    }

    @Test
    void writer_afterHeadRewrittenWithoutPassphrase_recordsTheLoss() throws Exception {
        rewriteChainAndHead(new ArrayList<>(lines().subList(0, 3)));
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.problem().orElseThrow().startsWith("entries lost after #3"), v.problems().toString());
    }

    @Test
    void acknowledge_recordedLoss_laterVerifyPassesAndStillNotesIt() throws Exception {
        List<String> lines = lines();
        Files.write(log, lines.subList(0, lines.size() - 1));
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        long lossEntry = lines.size();
        store.acknowledgeAuditLoss(lossEntry, Optional.of("restored from backup, nothing missing"), PASSPHRASE);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.intact(), v.problems().toString());
        assertTrue(v.notes().stream().anyMatch(n -> n.startsWith("entries lost after #" + (lines.size() - 1))
                && n.contains("restored from backup")), v.notes().toString());
    }

    @Test
    void acknowledge_entryThatIsNoLoss_refused() {
        StoreException e = assertThrows(StoreException.class,
                () -> store.acknowledgeAuditLoss(1, Optional.of("x"), PASSPHRASE));
        assertTrue(e.getMessage().contains("is not a recorded loss"), e.getMessage());
    }

    @Test
    void headLagsOneEntryAfterCrash_notALoss() throws Exception {
        // A crash between appending an entry and writing the head: the head still names the entry before.
        List<String> lines = lines();
        String headBefore = Files.readString(head);
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        List<String> after = lines();
        Files.write(log, after.subList(0, lines.size() + 1));
        Files.writeString(head, headBefore);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.problems().stream().noneMatch(p -> p.contains("audit.head")), v.problems().toString());
    }
}
