package io.nohop.keys;

import io.nohop.core.testing.MutableClock;
import static io.nohop.keys.TestStores.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.keys.internal.StoreLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyStoreTest {

    @TempDir
    Path tmp;

    MutableClock clock;
    Path dir;
    SigningKeyStore store;

    @BeforeEach
    void setUp() throws Exception {
        clock = MutableClock.at("2030-01-01T00:00:00Z");
        dir = tmp.resolve("store");
        store = TestStores.create(dir, clock);
    }

    private KeyRecord first() throws StoreException {
        return store.snapshot().records().get(0);
    }

    private KeyRecord rotate() throws StoreException {
        return store.rotate(RotationRequest.standard(), PASSPHRASE).orElseThrow();
    }

    @Test
    void init_firstKeyIsActiveImmediately() throws Exception {
        KeyRecord key = first();
        assertEquals(KeyState.ACTIVE, key.stateAt(clock.instant()));
        assertEquals(clock.instant(), key.activateAt());
        assertTrue(key.deactivateAt().isEmpty());
    }

    @Test
    void init_kidIsTheRfc7638Thumbprint() throws Exception {
        KeyRecord key = first();
        assertEquals(com.nimbusds.jose.jwk.JWK.parse(key.publicJwkJson()).computeThumbprint().toString(), key.kid());
    }

    @Test
    void init_filesOwnerOnlyAndNoPlaintextPrivateKey() throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))));
        Path record = dir.resolve("keys").resolve(first().kid() + ".json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(record)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("store.json"))));
        String text = Files.readString(record, StandardCharsets.UTF_8);
        assertFalse(text.contains("\"d\""), "private member in the record: " + text);
        assertTrue(text.contains("\"ciphertext\""));
        assertTrue(text.contains("\"iterations\":1000"));
    }

    @Test
    void init_existingStore_refused() {
        StoreException e = assertThrows(StoreException.class, () -> TestStores.create(dir, clock));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void init_leadShorterThanTwiceRefresh_refused() {
        StoreConfig config = TestStores.config(SigningAlgorithm.ES256).toBuilder().publishLead(Duration.ofMinutes(90)).build();
        assertThrows(ScheduleRefusedException.class,
                () -> SigningKeyStore.create(tmp.resolve("other"), config, PASSPHRASE, clock));
        assertFalse(Files.exists(tmp.resolve("other").resolve("store.json")));
    }

    @Test
    void rotate_newKeyIsPendingForThePublishLeadThenActive() throws Exception {
        KeyRecord next = rotate();
        Instant now = clock.instant();
        assertEquals(now.plus(Duration.ofHours(2)), next.activateAt());
        assertEquals(KeyState.PENDING, next.stateAt(now));
        assertEquals(KeyState.PENDING, next.stateAt(next.activateAt().minusSeconds(1)));
        assertEquals(KeyState.ACTIVE, next.stateAt(next.activateAt()));
    }

    @Test
    void rotate_predecessorStopsSigningWhenSuccessorActivates() throws Exception {
        KeyRecord next = rotate();
        KeyRecord old = first();
        assertEquals(Optional.of(next.activateAt()), old.deactivateAt());
        assertEquals(KeyState.RETIRING, old.stateAt(next.activateAt()));
    }

    @Test
    void rotate_predecessorUnpublishedAfterMaxLifetimePlusSkew() throws Exception {
        KeyRecord next = rotate();
        KeyRecord old = first();
        Instant removeAt = next.activateAt().plus(Duration.ofHours(1)).plus(Duration.ofMinutes(1));
        assertEquals(Optional.of(removeAt), old.removeAt());
        assertEquals(KeyState.RETIRING, old.stateAt(removeAt.minusSeconds(1)));
        assertEquals(KeyState.RETIRED, old.stateAt(removeAt));
    }

    @Test
    void rotate_leadShorterThanTwiceRefresh_refused() throws Exception {
        List<String> before = TestStores.picture(dir);
        ScheduleRefusedException e = assertThrows(ScheduleRefusedException.class, () -> store.rotate(
                RotationRequest.standard().withPublishLead(Duration.ofMinutes(119)), PASSPHRASE));
        assertTrue(e.getMessage().contains("shorter than twice the verifiers' refresh bound"), e.getMessage());
        assertEquals(before, TestStores.picture(dir));
    }

    @Test
    void rotate_leadShorterThanTwiceRefresh_forced_rotates() throws Exception {
        KeyRecord next = store.rotate(RotationRequest.standard().withPublishLead(Duration.ZERO).withForce(true),
                PASSPHRASE).orElseThrow();
        assertEquals(KeyState.ACTIVE, next.stateAt(clock.instant()));
        assertEquals(KeyState.RETIRING, first().stateAt(clock.instant()));
    }

    @Test
    void rotate_pendingSuccessorExists_refused() throws Exception {
        KeyRecord pending = rotate();
        List<String> before = TestStores.picture(dir);
        ScheduleRefusedException e = assertThrows(ScheduleRefusedException.class, this::rotate);
        assertTrue(e.getMessage().contains(pending.kid() + " is already pending"), e.getMessage());
        assertEquals(before, TestStores.picture(dir));
    }

    @Test
    void rotate_pendingSuccessorExists_forced_newerKeyWins() throws Exception {
        KeyRecord pending = rotate();
        clock.advance(Duration.ofMinutes(30));
        KeyRecord newer = store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE).orElseThrow();
        StoreSnapshot s = store.snapshot();
        KeyRecord skipped = s.record(pending.kid()).orElseThrow();
        assertEquals(Optional.of(newer.activateAt()), skipped.deactivateAt());
        assertEquals(newer.kid(), s.activeAt(newer.activateAt()).orElseThrow().kid());
        assertEquals(first().kid(), s.activeAt(pending.activateAt().minusSeconds(1)).orElseThrow().kid());
    }

    @Test
    void rotate_wrongPassphrase_refusedAndNothingChanged() throws Exception {
        List<String> before = TestStores.picture(dir);
        WrongPassphraseException e = assertThrows(WrongPassphraseException.class,
                () -> store.rotate(RotationRequest.standard(), "wrong".toCharArray()));
        assertEquals("wrong passphrase", e.getMessage());
        assertEquals(before, TestStores.picture(dir));
    }

    @Test
    void rotateIfDue_beforePeriodMinusLead_doesNothing() throws Exception {
        clock.advance(Duration.ofHours(21));
        assertEquals(Optional.empty(), store.rotate(RotationRequest.standard().withOnlyIfDue(true), PASSPHRASE));
        assertEquals(1, store.snapshot().records().size());
    }

    @Test
    void rotateIfDue_whenPeriodMinusLeadReached_rotatesSoSuccessorActivatesOnTime() throws Exception {
        clock.advance(Duration.ofHours(22));
        KeyRecord next = store.rotate(RotationRequest.standard().withOnlyIfDue(true), PASSPHRASE).orElseThrow();
        assertEquals(first().activateAt().plus(Duration.ofDays(1)), next.activateAt());
    }

    @Test
    void rotateIfDue_runTwice_rotatesOnce() throws Exception {
        clock.advance(Duration.ofHours(23));
        assertTrue(store.rotate(RotationRequest.standard().withOnlyIfDue(true), PASSPHRASE).isPresent());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), store.rotate(RotationRequest.standard().withOnlyIfDue(true), PASSPHRASE));
        assertEquals(2, store.snapshot().records().size());
    }

    @Test
    void revoke_unknownKid_fails() {
        StoreException e = assertThrows(StoreException.class, () -> store.revoke("nope", Optional.empty(), false, PASSPHRASE));
        assertEquals("unknown kid nope", e.getMessage());
    }

    @Test
    void revoke_lastKeyThatCanSign_refused() throws Exception {
        List<String> before = TestStores.picture(dir);
        ScheduleRefusedException e = assertThrows(ScheduleRefusedException.class,
                () -> store.revoke(first().kid(), Optional.of("test"), false, PASSPHRASE));
        assertTrue(e.getMessage().contains("last key that can sign"), e.getMessage());
        assertEquals(before, TestStores.picture(dir));
    }

    @Test
    void revoke_lastKeyThatCanSign_forced_signingStops() throws Exception {
        KeyRecord revoked = store.revoke(first().kid(), Optional.of("leaked"), true, PASSPHRASE);
        assertEquals(KeyState.REVOKED, revoked.stateAt(clock.instant()));
        assertTrue(store.snapshot().activeAt(clock.instant()).isEmpty());
    }

    @Test
    void revoke_withPendingSuccessor_unpublishedAtOnceAndPrivatePartDestroyed() throws Exception {
        KeyRecord old = first();
        rotate();
        KeyRecord revoked = store.revoke(old.kid(), Optional.of("leaked in a log"), false, PASSPHRASE);
        StoreSnapshot s = store.snapshot();
        KeyRecord stored = s.record(old.kid()).orElseThrow();
        assertEquals(KeyState.REVOKED, stored.stateAt(clock.instant()));
        assertFalse(stored.hasPrivateKey());
        assertEquals(Optional.of("leaked in a log"), stored.revocationReason());
        assertEquals(revoked.revokedAt(), stored.revokedAt());
        assertFalse(s.jwksJsonAt(clock.instant()).contains(old.kid()));
        assertFalse(Files.readString(dir.resolve("keys").resolve(old.kid() + ".json")).contains("ciphertext"));
    }

    @Test
    void retire_privatePartDestroyedByTheNextWriteAfterRemoval() throws Exception {
        KeyRecord old = first();
        KeyRecord next = rotate();
        clock.set(first().removeAt().orElseThrow());
        assertTrue(store.snapshot().record(old.kid()).orElseThrow().hasPrivateKey());
        store.revoke(next.kid(), Optional.empty(), true, PASSPHRASE);
        KeyRecord retired = store.snapshot().record(old.kid()).orElseThrow();
        assertEquals(KeyState.RETIRED, retired.stateAt(clock.instant()));
        assertFalse(retired.hasPrivateKey());
        assertTrue(store.verifyAudit(PASSPHRASE).intact());
    }

    @Test
    void load_predecessorNotYetUpdated_stillOneActiveKey() throws Exception {
        KeyRecord old = first();
        KeyRecord next = rotate();
        // What a crash between writing the new record and updating its predecessor leaves behind.
        Path oldFile = dir.resolve("keys").resolve(old.kid() + ".json");
        String text = Files.readString(oldFile);
        text = text.replaceAll("\"deactivateAt\":\"[^\"]*\"", "\"deactivateAt\":null")
                .replaceAll("\"removeAt\":\"[^\"]*\"", "\"removeAt\":null");
        Files.writeString(oldFile, text);
        StoreSnapshot s = store.snapshot();
        assertEquals(Optional.of(next.activateAt()), s.record(old.kid()).orElseThrow().deactivateAt());
        assertEquals(next.kid(), s.activeAt(next.activateAt()).orElseThrow().kid());
    }

    @Test
    void load_strayTempFiles_ignored() throws Exception {
        Files.writeString(dir.resolve("keys").resolve(".tmp-half-written"), "{\"form");
        assertEquals(1, store.snapshot().records().size());
    }

    @Test
    void load_corruptRecord_namesTheFile() throws Exception {
        Path record = dir.resolve("keys").resolve(first().kid() + ".json");
        Files.writeString(record, "{\"format\":1,\"kid\":");
        StoreException e = assertThrows(StoreException.class, () -> store.snapshot());
        assertTrue(e.getMessage().startsWith("corrupt key record " + record), e.getMessage());
    }

    @Test
    void open_missingStore_saysSo() {
        StoreException e = assertThrows(StoreException.class, () -> SigningKeyStore.open(tmp.resolve("none"), clock));
        assertTrue(e.getMessage().startsWith("no store at"), e.getMessage());
    }

    @Test
    void rotate_storeLockedByAnother_failsAfterBoundedWait() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = executor.submit(() -> {
                try (StoreLock lock = StoreLock.acquire(dir, Duration.ofSeconds(5))) {
                    held.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return lock.toString();
                }
            });
            assertTrue(held.await(10, TimeUnit.SECONDS));
            StoreLockedException e = assertThrows(StoreLockedException.class, () -> store
                    .withLockTimeout(Duration.ofMillis(200)).rotate(RotationRequest.standard(), PASSPHRASE));
            assertTrue(e.getMessage().startsWith("store is locked"), e.getMessage());
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void audit_everyOperationRecordedAndChainIntact() throws Exception {
        KeyRecord old = first();
        rotate();
        store.revoke(old.kid(), Optional.of("drill"), false, PASSPHRASE);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.intact(), v.problems().toString());
        String log = Files.readString(dir.resolve("audit.log"));
        assertEquals(2, log.split("\"event\":\"created\"", -1).length - 1);
        assertEquals(1, log.split("\"event\":\"revoked\"", -1).length - 1);
        assertEquals(3, log.split("\"event\":\"key-set-signed\"", -1).length - 1);
        assertEquals(1, log.split("\"event\":\"root-created\"", -1).length - 1);
    }

    @Test
    void audit_entriesLostInCrashAfterTheFiles_recoveredByNextWriter() throws Exception {
        // A crash after rotate wrote the key set and the record but before their audit entries: the log
        // and its head are as they were before the command.
        Path log = dir.resolve("audit.log");
        Path head = dir.resolve("audit.head");
        byte[] logBefore = Files.readAllBytes(log);
        byte[] headBefore = Files.readAllBytes(head);
        KeyRecord next = rotate();
        Files.write(log, logBefore);
        Files.write(head, headBefore);
        AuditVerification interrupted = store.verifyAudit(PASSPHRASE);
        assertTrue(interrupted.intact(), interrupted.problems().toString());
        assertEquals(2, interrupted.notes().size(), interrupted.notes().toString());
        clock.advance(Duration.ofMinutes(1));
        store.rotate(RotationRequest.standard().withForce(true), PASSPHRASE);
        String text = Files.readString(log);
        assertTrue(text.contains("\"command\":\"recover\",\"event\":\"created\",\"kid\":\"" + next.kid() + "\""), text);
        assertTrue(text.contains("\"command\":\"recover\",\"event\":\"key-set-signed\""), text);
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.intact(), v.problems().toString());
        assertTrue(v.notes().isEmpty(), v.notes().toString());
    }
}
