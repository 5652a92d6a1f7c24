package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONArrayUtils;
import io.nohop.keys.AuditVerification;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningKeyStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several processes rotating and listing one store at once: no lost or duplicated record. */
class ConcurrencyIT {

    @TempDir
    Path tmp;

    @Test
    void concurrentRotatesAndLists_noRecordLostOrDuplicated() throws Exception {
        Path store = tmp.resolve("store");
        assertEquals(0, NohopJar.run("init", "--store", store.toString(), "--algorithm", "ES256").status());
        int rotators = 3;
        int rotationsEach = 3;
        ExecutorService pool = Executors.newFixedThreadPool(rotators + 2);
        AtomicBoolean rotating = new AtomicBoolean(true);
        try {
            List<CompletableFuture<List<NohopJar.Result>>> rotations = new ArrayList<>();
            for (int r = 0; r < rotators; r++) {
                rotations.add(CompletableFuture.supplyAsync(() -> {
                    List<NohopJar.Result> results = new ArrayList<>();
                    for (int i = 0; i < rotationsEach; i++) {
                        results.add(call("rotate", "--store", store.toString(), "--force"));
                    }
                    return results;
                }, pool));
            }
            List<CompletableFuture<List<NohopJar.Result>>> listings = new ArrayList<>();
            for (int l = 0; l < 2; l++) {
                listings.add(CompletableFuture.supplyAsync(() -> {
                    List<NohopJar.Result> results = new ArrayList<>();
                    while (rotating.get()) {
                        results.add(call("list", "--store", store.toString(), "--json"));
                    }
                    return results;
                }, pool));
            }
            for (CompletableFuture<List<NohopJar.Result>> f : rotations) {
                for (NohopJar.Result r : f.get(5, TimeUnit.MINUTES)) {
                    assertEquals(0, r.status(), r.err());
                }
            }
            rotating.set(false);
            int listed = 0;
            for (CompletableFuture<List<NohopJar.Result>> f : listings) {
                for (NohopJar.Result r : f.get(5, TimeUnit.MINUTES)) {
                    assertEquals(0, r.status(), r.err());
                    List<Object> keys = JSONArrayUtils.parse(r.out());
                    assertEquals(keys.size(), new HashSet<>(keys.stream().map(o -> ((Map<?, ?>) o).get("kid")).toList()).size());
                    listed++;
                }
            }
            assertTrue(listed > 0);
        } finally {
            pool.shutdownNow();
        }
        SigningKeyStore opened = SigningKeyStore.open(store, Clock.systemUTC());
        List<KeyRecord> records = opened.snapshot().records();
        assertEquals(1 + rotators * rotationsEach, records.size());
        assertEquals(records.size(), new HashSet<>(records.stream().map(KeyRecord::kid).toList()).size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i + 1, records.get(i).sequence());
        }
        AuditVerification audit = opened.verifyAudit(NohopJar.PASSPHRASE.toCharArray());
        assertTrue(audit.intact(), audit.problems().toString());
        String log = java.nio.file.Files.readString(store.resolve("audit.log"));
        assertEquals(records.size(), log.split("\"event\":\"created\"", -1).length - 1);
        assertEquals(opened.snapshot().signedKeySet().orElseThrow().kids().size(), records.size(),
                "every key is in the signed set (all are PENDING or ACTIVE)");
    }

    private static NohopJar.Result call(String... args) {
        try {
            return NohopJar.run(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
