package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.core.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files that someone who can write next to the store (without the passphrase) may plant where nohop
 * reads or writes: a FIFO (which blocks whoever opens it), a link to {@code /dev/zero} (size 0, never
 * ends), a file far too large, a link into another store. Every command answers at once with exit 1
 * and one line, reads a bounded amount, and writes through no link. A timeout turns a hang into a
 * failure instead of a stuck build.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileStoreFilesTest {

    record Result(int status, String out, String err) {
    }

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    Path store;

    Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return run(Map.of("NOHOP_PASSPHRASE", "pw"), args);
    }

    @BeforeEach
    void init() {
        store = tmp.resolve("store");
        Result r = run("init", "--store", store.toString(), "--algorithm", "ES256", "--issuer", "https://auth.example");
        assertEquals(0, r.status(), r.err());
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).start();
        assertEquals(0, p.waitFor());
    }

    private void assertOneLineFailure(Result r, String contains) {
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("nohop: ") && r.err().contains(contains), r.err());
    }

    private Path record() throws Exception {
        try (var files = Files.list(store.resolve("keys"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
    }

    /** Replaces {@code file} with what {@code kind} names. */
    private void plant(Path file, String kind) throws Exception {
        Files.delete(file);
        switch (kind) {
            case "fifo" -> mkfifo(file);
            case "zero" -> Files.createSymbolicLink(file, Path.of("/dev/zero"));
            case "huge" -> {
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.wrap(new byte[] {'{'}), 2L << 30);   // sparse, 2 GB
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "zero", "huge"})
    void storeSettings_notARegularFileOrTooLarge_listFailsAtOnceWithOneLine(String kind) throws Exception {
        plant(store.resolve("store.json"), kind);
        assertOneLineFailure(run("list", "--store", store.toString()), "store.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "zero", "huge"})
    void keyRecord_notARegularFileOrTooLarge_listAndExportFailAtOnceWithOneLine(String kind) throws Exception {
        Path record = record();
        plant(record, kind);
        assertOneLineFailure(run("list", "--store", store.toString()), "corrupt key record " + record);
        assertOneLineFailure(run("export", "--store", store.toString(), "--out", tmp.resolve("jwks.json").toString()),
                "corrupt key record " + record);
    }

    /**
     * The PBKDF2 count is read before anything can be authenticated (the MAC key is what it derives): raised to two
     * billion in store.json or in a key record, it must be refused at once, not spent (about 20 minutes of CPU).
     */
    @ParameterizedTest
    @ValueSource(strings = {"store", "record"})
    void kdfIterationsRaisedWithoutThePassphrase_refusedAtOnce(String where) throws Exception {
        Path file = where.equals("store") ? store.resolve("store.json") : record();
        String json = Files.readString(file);
        String raised = json.replaceAll("\"iterations\"\\s*:\\s*\\d+", "\"iterations\":2000000000");
        assertTrue(!raised.equals(json), "the test's own premise: the file holds a count");
        Files.writeString(file, raised);
        Result r = run("issue", "--store", store.toString(), "--subject", "a", "--audience", "b");
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("PBKDF2 iterations 2000000000 outside"), r.err());
    }

    /** A sequence number past 2^53 in a record: refused as corrupt by every reader, not a crash of the next rotate. */
    @Test
    void keyRecordSequenceOutOfRange_refusedAsCorrupt() throws Exception {
        Path record = record();
        Files.writeString(record, Files.readString(record).replaceAll("\"seq\"\\s*:\\s*\\d+", "\"seq\":99999999999999999999"));
        assertOneLineFailure(run("list", "--store", store.toString()), "corrupt key record " + record);
        assertOneLineFailure(run("rotate", "--store", store.toString()), "corrupt key record " + record);
    }

    @Test
    void serve_recordPlantedAsAFifo_reloadFailsAtOnceInsteadOfHangingForever() throws Exception {
        plant(record(), "fifo");
        // What serve's reload thread calls every second; it used to block in open() for good, with /healthz ok.
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> io.nohop.keys.server.StorePublication.of(store, clock).publicationAt(clock.instant()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "zero"})
    void rootKeyAndKeySet_notARegularFile_rotateFailsAtOnce(String kind) throws Exception {
        plant(store.resolve("root.json"), kind);
        assertOneLineFailure(run("rotate", "--store", store.toString()), "root.json");
    }

    @Test
    void auditHead_aFifo_rotateTreatsItAsAMissingHead_recordsTheLossAndReplacesIt() throws Exception {
        plant(store.resolve("audit.head"), "fifo");
        Result r = run("rotate", "--store", store.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isRegularFile(store.resolve("audit.head")));
        assertTrue(Files.readString(store.resolve("audit.log")).contains("\"event\":\"entries-lost\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"audit.log", ".lock"})
    void auditLogAndLock_aFifo_rotateFailsAtOnce(String name) throws Exception {
        Path file = store.resolve(name);
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        plant(file, "fifo");
        assertOneLineFailure(run("rotate", "--store", store.toString()), name);
    }

    @Test
    void auditLog_aLinkIntoAnotherStore_rotateRefusesAndTheOtherLogIsUntouched() throws Exception {
        Path other = tmp.resolve("other");
        assertEquals(0, run("init", "--store", other.toString(), "--algorithm", "ES256").status());
        byte[] before = Files.readAllBytes(other.resolve("audit.log"));
        Files.delete(store.resolve("audit.log"));
        Files.createSymbolicLink(store.resolve("audit.log"), other.resolve("audit.log"));
        assertOneLineFailure(run("rotate", "--store", store.toString()), "symbolic link");
        assertEquals(new String(before, StandardCharsets.UTF_8),
                new String(Files.readAllBytes(other.resolve("audit.log")), StandardCharsets.UTF_8));
        assertEquals(0, run("audit", "verify", "--store", other.toString()).status());
    }

    @Test
    void passphraseFile_aLinkToAnEndlessDevice_refusedAfterABoundedRead() throws Exception {
        Path file = Files.writeString(tmp.resolve("pass"), "pw\n");
        plant(file, "zero");
        assertOneLineFailure(run(Map.of(), "rotate", "--store", store.toString(), "--passphrase-file", file.toString()),
                "cannot read the passphrase file " + file + ": larger than 65536 bytes");
    }

    @Test
    void passphraseFile_aPipeWithAWriter_read() throws Exception {
        // As --passphrase-file <(secret-tool lookup ...) gives it: the secret never touches the disk.
        Path fifo = tmp.resolve("pass-pipe");
        mkfifo(fifo);
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, "pw\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        Result r = run(Map.of(), "rotate", "--store", store.toString(), "--passphrase-file", fifo.toString());
        writer.join();
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void passphraseFile_largerThan64KiB_refused() throws Exception {
        Path file = Files.writeString(tmp.resolve("pass"), "pw\n" + "x".repeat(70_000));
        assertOneLineFailure(run(Map.of(), "rotate", "--store", store.toString(), "--passphrase-file", file.toString()),
                "larger than 65536 bytes");
    }

    @Test
    void keySetSigner_aFifo_usageErrorAtOnce() throws Exception {
        Path file = tmp.resolve("root.jwk");
        Files.createFile(file);
        plant(file, "fifo");
        Result r = run("verify", "--jwks-uri", "http://127.0.0.1:9/jwks.jwt", "--issuer", "https://auth.example",
                "--audience", "a", "--key-set-signer", file.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--key-set-signer " + file + " cannot be read: not a regular file"), r.err());
        assertEquals(List.of(), List.of(r.out().lines().toArray()));
    }
}
