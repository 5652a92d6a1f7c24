package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.keys.AuditVerification;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.KeyState;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM running {@code rotate} is killed with SIGKILL at random moments; after each kill the
 * store loads, its audit chain verifies, and it holds n or n + 1 keys with no duplicates and at most
 * one ACTIVE key. Iterations: {@code -Dnohop.crash.iterations} (default 200).
 */
class CrashIT {

    @TempDir
    Path tmp;

    @Test
    void rotateKilledAtRandomMoments_storeStaysConsistent() throws Exception {
        int iterations = Integer.getInteger("nohop.crash.iterations", 200);
        Path store = tmp.resolve("store");
        assertEquals(0, NohopJar.run("init", "--store", store.toString(), "--algorithm", "ES256").status());
        Map<String, String> env = Map.of("NOHOP_PASSPHRASE", NohopJar.PASSPHRASE);

        long started = System.nanoTime();
        NohopJar.Result calibration = NohopJar.run("rotate", "--store", store.toString(), "--force");
        assertEquals(0, calibration.status(), calibration.err());
        long runMillis = Math.max(50, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        Random random = new Random(42);
        int killedMidway = 0;
        int completed = 0;
        for (int i = 0; i < iterations; i++) {
            int before = load(store).records().size();
            Process process = NohopJar.start(env, "rotate", "--store", store.toString(), "--force");
            process.getOutputStream().close();
            // Kill anywhere from start-up to just past a normal run, half the time in the last 40 % where
            // the writes happen (start-up dominates a run). waitFor is a bounded wait, not a sleep.
            double fraction = i % 2 == 0 ? random.nextDouble() * 1.1 : 0.6 + random.nextDouble() * 0.5;
            long delay = (long) (fraction * runMillis);
            if (process.waitFor(delay, TimeUnit.MILLISECONDS)) {
                completed++;
            } else {
                process.destroyForcibly();
                killedMidway++;
            }
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));

            StoreSnapshot snapshot = load(store);
            List<KeyRecord> records = snapshot.records();
            assertTrue(records.size() == before || records.size() == before + 1,
                    "iteration " + i + ": " + before + " keys before, " + records.size() + " after");
            Set<String> kids = new HashSet<>();
            Set<Long> sequences = new HashSet<>();
            for (KeyRecord r : records) {
                assertTrue(kids.add(r.kid()), "duplicate kid " + r.kid());
                assertTrue(sequences.add(r.sequence()), "duplicate sequence " + r.sequence());
            }
            for (KeyRecord r : records) {
                Instant t = r.activateAt();
                long active = records.stream().filter(k -> k.stateAt(t) == KeyState.ACTIVE).count();
                assertTrue(active <= 1, "iteration " + i + ": " + active + " ACTIVE keys at " + t);
            }
            AuditVerification audit = SigningKeyStore.open(store, Clock.systemUTC()).verifyAudit(NohopJar.PASSPHRASE.toCharArray());
            assertTrue(audit.intact(), "iteration " + i + ": " + audit.problem().orElse(""));
        }
        System.out.printf("CrashIT: %d iterations, %d killed mid-run, %d completed before the kill, run ~%d ms%n",
                iterations, killedMidway, completed, runMillis);
        assertTrue(killedMidway > iterations / 4, "too few kills landed mid-run: " + killedMidway);
    }

    private static StoreSnapshot load(Path store) throws Exception {
        return SigningKeyStore.open(store, Clock.systemUTC()).snapshot();
    }
}
