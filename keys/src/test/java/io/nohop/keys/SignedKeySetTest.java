package io.nohop.keys;

import io.nohop.core.testing.MutableClock;
import static io.nohop.keys.TestStores.PASSPHRASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.server.PublicationSource;
import io.nohop.keys.server.StorePublication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store side of signed key sets: what is signed when, and what serve publishes. */
class SignedKeySetTest {

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

    private SignedKeySet set() throws StoreException {
        return store.snapshot().signedKeySet().orElseThrow();
    }

    private KeyRecord first() throws StoreException {
        return store.snapshot().records().get(0);
    }

    private Optional<KeyRecord> rotateIfDue() throws StoreException {
        return store.rotate(RotationRequest.standard().withOnlyIfDue(true), PASSPHRASE);
    }

    @Test
    void init_signsTheFirstSet_typKidIssSubIatExp() throws Exception {
        SignedKeySet set = set();
        JWSObject jws = JWSObject.parse(set.compactSerialization());
        assertEquals("jwk-set+jwt", jws.getHeader().getType().getType());
        assertEquals("ES256", jws.getHeader().getAlgorithm().getName());
        assertEquals(store.rootKey().orElseThrow().kid(), jws.getHeader().getKeyID());
        Map<String, Object> claims = jws.getPayload().toJSONObject();
        assertEquals("https://auth.example", claims.get("iss"));
        assertEquals("https://auth.example", claims.get("sub"));
        assertEquals(clock.instant().getEpochSecond(), ((Number) claims.get("iat")).longValue());
        assertEquals(clock.instant().plus(store.config().keySetLifetime()).getEpochSecond(),
                ((Number) claims.get("exp")).longValue());
        assertEquals(List.of(first().kid()), set.kids());
    }

    @Test
    void signedSet_keysEqualThePlainJwksAndHoldNoPrivateMembers() throws Exception {
        SignedKeySet set = set();
        List<Object> keys = JSONObjectUtils.getJSONArray(JWSObject.parse(set.compactSerialization()).getPayload().toJSONObject(), "keys");
        assertEquals(JWKSet.parse(set.jwksJson()).getKeys(), JWKSet.parse(Map.of("keys", keys)).getKeys());
        for (JWK key : JWKSet.parse(set.jwksJson()).getKeys()) {
            assertFalse(key.isPrivate());
        }
    }

    @Test
    void rootKey_isNoKeyRecordAndNotInTheSet() throws Exception {
        RootKey root = store.rootKey().orElseThrow();
        assertTrue(store.snapshot().record(root.kid()).isEmpty());
        assertFalse(set().kids().contains(root.kid()));
        assertFalse(JWK.parse(root.publicJwkJson()).isPrivate());
        assertEquals(JWK.parse(root.publicJwkJson()).computeThumbprint().toString(), root.kid());
    }

    @Test
    void rotate_newKeyIsInTheSignedSetAtOnce() throws Exception {
        KeyRecord next = store.rotate(RotationRequest.standard(), PASSPHRASE).orElseThrow();
        assertEquals(List.of(first().kid(), next.kid()), set().kids());
    }

    @Test
    void revoke_keyLeavesTheSignedSetAtOnce() throws Exception {
        KeyRecord old = first();
        store.rotate(RotationRequest.standard(), PASSPHRASE);
        store.revoke(old.kid(), Optional.of("leaked"), false, PASSPHRASE);
        assertFalse(set().kids().contains(old.kid()));
    }

    @Test
    void removalTime_keyStaysInTheSetUntilTheNextRotateIfDue_thenLeaves() throws Exception {
        KeyRecord old = first();
        store.rotate(RotationRequest.standard(), PASSPHRASE);
        clock.set(first().removeAt().orElseThrow());
        assertEquals(KeyState.RETIRED, store.snapshot().record(old.kid()).orElseThrow().stateAt(clock.instant()));
        assertTrue(set().kids().contains(old.kid()), "no command ran since the removal time");
        assertTrue(rotateIfDue().isEmpty());
        assertFalse(set().kids().contains(old.kid()));
        assertFalse(store.snapshot().record(old.kid()).orElseThrow().hasPrivateKey());
    }

    @Test
    void rotateIfDue_beforeHalfTheLifetime_changesNothing() throws Exception {
        byte[] before = Files.readAllBytes(dir.resolve(SigningKeyStore.KEY_SET_FILE));
        clock.advance(store.config().keySetLifetime().dividedBy(2).minusSeconds(1));
        assertTrue(rotateIfDue().isEmpty());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve(SigningKeyStore.KEY_SET_FILE))));
    }

    @Test
    void rotateIfDue_halfTheLifetimeGone_signsANewSetWithTheSameKeys() throws Exception {
        SignedKeySet before = set();
        clock.advance(store.config().keySetLifetime().dividedBy(2));
        assertTrue(rotateIfDue().isEmpty());
        SignedKeySet after = set();
        assertEquals(before.kids(), after.kids());
        assertEquals(clock.instant(), after.issuedAt());
        assertEquals(clock.instant().plus(store.config().keySetLifetime()), after.expiresAt());
    }

    @Test
    void issuedAt_strictlyIncreases_evenWhenTheClockStepsBack() throws Exception {
        Instant first = set().issuedAt();
        KeyRecord next = store.rotate(RotationRequest.standard(), PASSPHRASE).orElseThrow();
        assertEquals(first.plusSeconds(1), set().issuedAt(), "same second: one second later");
        clock.advance(Duration.ofHours(-1));
        store.revoke(next.kid(), Optional.empty(), false, PASSPHRASE);
        assertEquals(first.plusSeconds(2), set().issuedAt());
    }

    @Test
    void keySetAltered_notPublished_andTheNextWriterSignsAgainLoudly() throws Exception {
        Path file = dir.resolve(SigningKeyStore.KEY_SET_FILE);
        String text = Files.readString(file);
        Files.writeString(file, text.substring(0, text.length() - 2) + (text.endsWith("AA") ? "BB" : "AA"));
        StoreSnapshot snapshot = store.snapshot();
        assertTrue(snapshot.signedKeySet().isEmpty());
        assertTrue(snapshot.keySetProblem().orElseThrow().contains("does not verify"), snapshot.keySetProblem().orElseThrow());
        assertThrows(StoreException.class, () -> StorePublication.of(store).publicationAt(clock.instant()));
        assertThrows(StoreException.class, () -> {
            try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
                issuer.issue(TokenRequest.builder().subject("a").build());
            }
        });
        rotateIfDue();
        assertEquals(List.of(first().kid()), set().kids());
        assertTrue(Files.readString(dir.resolve("audit.log")).contains("\"event\":\"key-set-rebuilt\""));
    }

    @Test
    void keySetReplayed_runningPublisherRefusesIt_auditVerifyReportsRollback() throws Exception {
        KeyRecord old = first();
        store.rotate(RotationRequest.standard(), PASSPHRASE);
        Path file = dir.resolve(SigningKeyStore.KEY_SET_FILE);
        byte[] withOld = Files.readAllBytes(file);
        clock.advance(Duration.ofMinutes(1));
        store.revoke(old.kid(), Optional.of("leaked"), false, PASSPHRASE);
        PublicationSource serve = StorePublication.of(store);
        assertFalse(serve.publicationAt(clock.instant()).jwksJson().contains(old.kid()));
        Files.write(file, withOld);
        assertThrows(StoreException.class, () -> serve.publicationAt(clock.instant()));
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.problems().stream().anyMatch(p -> p.contains("rolled back")), v.problems().toString());
    }

    @Test
    void rootReplacedWithAnotherStoresRoot_runningPublisherRefuses_auditVerifyAndWritersSaySo() throws Exception {
        PublicationSource serve = StorePublication.of(store);
        serve.publicationAt(clock.instant());
        SigningKeyStore other = SigningKeyStore.create(tmp.resolve("other"), TestStores.config(SigningAlgorithm.ES256),
                "another passphrase".toCharArray(), clock);
        for (String name : List.of(SigningKeyStore.ROOT_FILE, SigningKeyStore.KEY_SET_FILE)) {
            Files.copy(other.folder().resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        assertThrows(StoreException.class, () -> serve.publicationAt(clock.instant()));
        AuditVerification v = store.verifyAudit(PASSPHRASE);
        assertTrue(v.problems().stream().anyMatch(p -> p.startsWith("root.json was altered without the passphrase")),
                v.problems().toString());
        StoreException e = assertThrows(StoreException.class,
                () -> store.rotate(RotationRequest.standard(), PASSPHRASE));
        assertTrue(e.getMessage().startsWith("root.json was altered without the passphrase"), e.getMessage());
    }

    @Test
    void rootRotation_stageThenSwitch_setSignedByTheNewRoot_runningPublisherFollows() throws Exception {
        PublicationSource serve = StorePublication.of(store);
        RootKey old = store.rootKey().orElseThrow();
        RootKey next = store.stageRootKey(Optional.of(SigningAlgorithm.EdDSA), PASSPHRASE);
        assertEquals(Optional.of(next.kid()), store.nextRootKey().map(RootKey::kid));
        assertEquals(old.kid(), set().signerKid(), "staging changes nothing that is published");
        serve.publicationAt(clock.instant());
        clock.advance(Duration.ofMinutes(1));
        store.switchRootKey(PASSPHRASE);
        assertEquals(next.kid(), store.rootKey().orElseThrow().kid());
        assertEquals(List.of(old.kid()), store.previousRootKeys().stream().map(RootKey::kid).toList());
        assertEquals(next.kid(), set().signerKid());
        assertEquals(List.of(first().kid()), set().kids());
        assertTrue(serve.publicationAt(clock.instant()).signedJwks().orElseThrow().equals(set().compactSerialization()));
        assertTrue(store.verifyAudit(PASSPHRASE).intact(), store.verifyAudit(PASSPHRASE).problems().toString());
    }

    @Test
    void rootRotation_publisherStartedBeforeStaging_trustsTheSuccessorThroughTheEndorsement() throws Exception {
        PublicationSource serve = StorePublication.of(store);
        serve.publicationAt(clock.instant());
        store.stageRootKey(Optional.empty(), PASSPHRASE);
        store.switchRootKey(PASSPHRASE);
        String published = serve.publicationAt(clock.instant()).signedJwks().orElseThrow();
        assertEquals(set().compactSerialization(), published);
    }

    @Test
    void stageRootKey_twice_refused() throws Exception {
        store.stageRootKey(Optional.empty(), PASSPHRASE);
        StoreException e = assertThrows(StoreException.class, () -> store.stageRootKey(Optional.empty(), PASSPHRASE));
        assertTrue(e.getMessage().contains("is already staged"), e.getMessage());
    }

    @Test
    void switchRootKey_nothingStaged_refused() {
        StoreException e = assertThrows(StoreException.class, () -> store.switchRootKey(PASSPHRASE));
        assertTrue(e.getMessage().startsWith("no successor root is staged"), e.getMessage());
    }

    @Test
    void issue_recordHoldingTheRootsPublicKey_neverSigns() throws Exception {
        // Someone copies the root's public key into keys/ as an ACTIVE record, after revoking the real key.
        String rootJwk = store.rootKey().orElseThrow().publicJwkJson();
        store.revoke(first().kid(), Optional.empty(), true, PASSPHRASE);
        String kid = store.rootKey().orElseThrow().kid();
        Files.writeString(dir.resolve("keys").resolve(kid + ".json"), "{\"format\":1,\"seq\":9,\"kid\":\"" + kid
                + "\",\"alg\":\"ES256\",\"jwk\":" + rootJwk + ",\"createdAt\":\"2030-01-01T00:00:00Z\","
                + "\"activateAt\":\"2030-01-01T00:00:00Z\",\"deactivateAt\":null,\"removeAt\":null,\"revokedAt\":null,"
                + "\"revocationReason\":null,\"privateKey\":null}\n");
        assertEquals(List.of(kid), store.snapshot().unsignedRecords().stream().map(KeyRecord::kid).toList());
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE)) {
            assertThrows(NoActiveKeyException.class, () -> issuer.issue(TokenRequest.builder().subject("a").build()));
        }
    }

    @Test
    void settingsAltered_passphraseCommandsRefuse() throws Exception {
        Path file = dir.resolve(SigningKeyStore.STORE_FILE);
        Files.writeString(file, Files.readString(file).replace("\"maxTokenLifetime\":\"PT1H\"", "\"maxTokenLifetime\":\"PT24H\""));
        SigningKeyStore reopened = SigningKeyStore.open(dir, clock);
        StoreException e = assertThrows(StoreException.class,
                () -> reopened.rotate(RotationRequest.standard(), PASSPHRASE));
        assertTrue(e.getMessage().startsWith("store.json was altered without the passphrase"), e.getMessage());
    }

    @Test
    void keySetLifetime_shorterThanTwiceTheRefreshBound_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoreConfig.builder()
                .refreshBound(Duration.ofHours(1)).keySetLifetime(Duration.ofMinutes(90)).build());
        assertTrue(e.getMessage().contains("at least twice the refresh bound"), e.getMessage());
    }

    @Test
    void keySetLifetime_overNinetyDays_refused() {
        assertThrows(IllegalArgumentException.class, () -> StoreConfig.builder().keySetLifetime(Duration.ofDays(91)));
    }

    @Test
    void publication_isExactlyTheSignedSet() throws Exception {
        store.rotate(RotationRequest.standard(), PASSPHRASE);
        var publication = StorePublication.of(store).publicationAt(clock.instant());
        assertEquals(set().jwksJson(), publication.jwksJson());
        assertEquals(Optional.of(set().compactSerialization()), publication.signedJwks());
        assertEquals(2, publication.keyCount());
        assertNotEquals(Optional.empty(), publication.activeKid());
    }

    @Test
    void auditVerify_recordOfALoggedKeyRemoved_isAProblem() throws Exception {
        KeyRecord created = store.rotate(RotationRequest.standard(), PASSPHRASE).orElseThrow();
        Files.delete(dir.resolve("keys").resolve(created.kid() + ".json"));

        AuditVerification result = store.verifyAudit(PASSPHRASE);

        assertFalse(result.intact());
        assertTrue(result.problems().stream().anyMatch(p -> p.contains(created.kid()) && p.contains("removed from the store")),
                result.problems().toString());
    }
}
