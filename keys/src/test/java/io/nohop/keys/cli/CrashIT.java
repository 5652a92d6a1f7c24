package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.keys.AuditVerification;
import io.nohop.keys.KeyRecord;
import io.nohop.keys.KeyState;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.internal.AtomicFileWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM running {@code rotate} is killed with SIGKILL; after each kill the store loads, its audit
 * chain verifies, and it holds n or n + 1 keys with no duplicates and at most one ACTIVE key.
 * Iterations: {@code -Dnohop.crash.iterations} (default 80).
 *
 * <p>Where the kills land: a JVM's start-up is most of a {@code rotate} run, and a kill there proves
 * nothing about the writes, which come at its end. So a quarter of the kills land anywhere from start-up
 * to just past a normal run, and the rest around the moment the new record appears, a moment the test
 * tracks as it goes: a kill that finds the record written moves the next one earlier, one that does not
 * moves it later (with jitter either side). Most kills then land around the writes of the record, the
 * audit log and the signed key set, on both sides of the record's rename, which a fixed spread of
 * delays rarely reached (run to run, start-up varies by more than the writes take).
 */
class CrashIT {

    @TempDir
    Path tmp;

    @Test
    void rotateKilledAtRandomMoments_storeStaysConsistent() throws Exception {
        int iterations = Integer.getInteger("nohop.crash.iterations", 80);
        Path store = tmp.resolve("store");
        assertEquals(0, NohopJar.run("init", "--store", store.toString(), "--algorithm", "ES256").status());
        Map<String, String> env = Map.of("NOHOP_PASSPHRASE", NohopJar.PASSPHRASE);

        long started = System.nanoTime();
        NohopJar.Result calibration = NohopJar.run("rotate", "--store", store.toString(), "--force");
        assertEquals(0, calibration.status(), calibration.err());
        long runMillis = Math.max(50, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        Random random = new Random(42);
        // Where the record is expected to appear, in ms after the start; moved by each aimed kill's outcome.
        double recordAt = 0.8 * runMillis;
        double step = Math.max(2, runMillis / 50.0);
        int killedBeforeRecord = 0;
        int killedAfterRecord = 0;
        int killedMidWrite = 0;
        int completed = 0;
        for (int i = 0; i < iterations; i++) {
            int before = load(store).records().size();
            boolean aimed = i % 4 != 0;
            long delay = aimed
                    ? Math.max(1, Math.round(recordAt + (random.nextDouble() * 2 - 1) * 3 * step))
                    : (long) (random.nextDouble() * 1.1 * runMillis);
            Process process = NohopJar.start(env, "rotate", "--store", store.toString(), "--force");
            process.getOutputStream().close();
            // waitFor is a bounded wait, not a sleep: it returns early when the run ends first.
            boolean exited = process.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            boolean tempLeft = hasTempFile(store);

            StoreSnapshot snapshot = load(store);
            List<KeyRecord> records = snapshot.records();
            assertTrue(records.size() == before || records.size() == before + 1,
                    "iteration " + i + ": " + before + " keys before, " + records.size() + " after");
            boolean recordWritten = records.size() == before + 1;
            if (exited) {
                completed++;
            } else if (recordWritten) {
                killedAfterRecord++;
            } else {
                killedBeforeRecord++;
            }
            if (!exited && tempLeft) {
                killedMidWrite++;
            }
            if (aimed) {
                recordAt = Math.max(1, recordAt + (recordWritten || exited ? -step : step));
            }
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
        System.out.printf("CrashIT: %d iterations (run ~%d ms; record last aimed at ~%.0f ms): %d killed before the new"
                        + " record was written, %d killed after it, %d of the kills left a temporary file (inside an"
                        + " atomic write), %d completed before the kill%n",
                iterations, runMillis, recordAt, killedBeforeRecord, killedAfterRecord, killedMidWrite, completed);
        // The aimed kills straddled the record's write: runs stopped before it, and runs that got past it
        // (killed among the writes that follow, or done before the kill: the moment between the record and
        // the end of the run is short, so how many land inside it varies and is only printed).
        assertTrue(killedBeforeRecord >= iterations / 10, "too few kills before the record: " + killedBeforeRecord);
        assertTrue(killedAfterRecord + completed >= iterations / 10,
                "too few runs got past the record: " + (killedAfterRecord + completed));
    }

    private static boolean hasTempFile(Path store) throws IOException {
        // In the store's folder or in keys/, next to the file being replaced.
        try (Stream<Path> files = Files.walk(store)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(AtomicFileWriter.TEMP_PREFIX));
        }
    }

    private static StoreSnapshot load(Path store) throws Exception {
        return SigningKeyStore.open(store, Clock.systemUTC()).snapshot();
    }
}
