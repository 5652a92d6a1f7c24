package io.nohop.keys;

import static io.nohop.keys.TestStores.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    SigningKeyStore store;
    Path log;

    @BeforeEach
    void fourEntries() throws Exception {
        MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
        store = TestStores.create(tmp.resolve("s"), clock);
        String first = store.snapshot().records().get(0).kid();
        store.rotate(RotationRequest.standard(), PASSPHRASE);
        clock.advance(Duration.ofMinutes(1));
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        store.revoke(first, Optional.of("drill"), false);
        log = store.folder().resolve("audit.log");
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(log));
    }

    @Test
    void verify_untouchedLog_intact() throws Exception {
        AuditVerification v = store.verifyAudit();
        assertTrue(v.intact(), v.problem().orElse(""));
        assertEquals(4, v.entries());
    }

    @Test
    void verify_editedEntry_namesTheNextEntry() throws Exception {
        List<String> lines = lines();
        lines.set(1, lines.get(1).replace("\"reason\":null", "\"reason\":\"edited\""));
        Files.write(log, lines);
        AuditVerification v = store.verifyAudit();
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().startsWith("audit entry 3 (line 3) is broken"), v.problem().orElseThrow());
    }

    @Test
    void verify_removedEntry_detected() throws Exception {
        List<String> lines = lines();
        lines.remove(1);
        Files.write(log, lines);
        AuditVerification v = store.verifyAudit();
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().startsWith("audit entry 2 (line 2)"), v.problem().orElseThrow());
    }

    @Test
    void verify_lastEntriesCutOff_detectedThroughTheHead() throws Exception {
        List<String> lines = lines();
        Files.write(log, lines.subList(0, 2));
        AuditVerification v = store.verifyAudit();
        assertFalse(v.intact());
        assertTrue(v.problem().orElseThrow().contains("audit.head"), v.problem().orElseThrow());
    }

    @Test
    void verify_editedLastEntry_detectedThroughTheHead() throws Exception {
        List<String> lines = lines();
        lines.set(3, lines.get(3).replace("drill", "nothing"));
        Files.write(log, lines);
        assertFalse(store.verifyAudit().intact());
    }

    @Test
    void verify_tornLastLine_ignoredAsInterruptedWrite() throws Exception {
        Files.writeString(log, "{\"seq\":5,\"ti", java.nio.file.StandardOpenOption.APPEND);
        AuditVerification v = store.verifyAudit();
        assertTrue(v.intact(), v.problem().orElse(""));
        assertTrue(v.tornTail());
    }
}
