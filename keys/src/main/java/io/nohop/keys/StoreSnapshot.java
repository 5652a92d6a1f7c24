package io.nohop.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable view of a store as loaded: its configuration, its key records (in sequence order, with
 * the schedule derived as {@link SigningKeyStore} describes), its latest signed key set (checked under
 * the store's root key) and the records that the root never signed. Every question about time takes
 * the instant explicitly.
 *
 * <p>What is published is the signed key set ({@link #signedKeySet()}), not the records: a record
 * written into the store by someone without the passphrase is listed in {@link #unsignedRecords()},
 * takes no part in the schedule, is never published and never signs.
 */
public final class StoreSnapshot {

    private final StoreConfig config;
    private final List<KeyRecord> records;
    private final Optional<SignedKeySet> signedKeySet;
    private final Optional<String> keySetProblem;
    private final List<KeyRecord> unsignedRecords;
    private final List<RootKey> knownRootKeys;

    StoreSnapshot(StoreConfig config, List<KeyRecord> records, Optional<SignedKeySet> signedKeySet,
                  Optional<String> keySetProblem, List<KeyRecord> unsignedRecords, List<RootKey> knownRootKeys) {
        this.config = config;
        this.records = List.copyOf(records);
        this.signedKeySet = Objects.requireNonNull(signedKeySet, "signedKeySet");
        this.keySetProblem = Objects.requireNonNull(keySetProblem, "keySetProblem");
        this.unsignedRecords = List.copyOf(unsignedRecords);
        this.knownRootKeys = List.copyOf(knownRootKeys);
    }

    /**
     * The store configuration.
     *
     * @return the configuration
     */
    public StoreConfig config() {
        return config;
    }

    /**
     * The key records the root vouches for, oldest first: those in the signed key set, and those that
     * left it (revoked or retired). Records the root never signed are not among them.
     *
     * @return the records
     */
    public List<KeyRecord> records() {
        return records;
    }

    /**
     * Looks a key up by kid among {@link #records()}.
     *
     * @param kid the key id
     * @return the record, if the store has it
     */
    public Optional<KeyRecord> record(String kid) {
        return records.stream().filter(r -> r.kid().equals(kid)).findFirst();
    }

    /**
     * The key that signs at {@code t}.
     *
     * @param t the instant
     * @return the ACTIVE key, if any
     */
    public Optional<KeyRecord> activeAt(Instant t) {
        return RotationSchedule.activeAt(records, t);
    }

    /**
     * The keys the schedule publishes at {@code t} (PENDING, ACTIVE and RETIRING): what the next
     * signed key set holds. What is served is {@link #signedKeySet()}: a key that reaches its removal
     * time stays in it until the next writing command (such as {@code rotate --if-due}) signs a new one.
     *
     * @param t the instant
     * @return the keys, oldest first
     */
    public List<KeyRecord> publishedAt(Instant t) {
        return records.stream().filter(r -> r.stateAt(t).isPublished()).toList();
    }

    /**
     * The public JWKS of {@link #publishedAt(Instant)}: each key with {@code kid}, {@code alg},
     * {@code use: sig} and no private members. Serving uses {@link SignedKeySet#jwksJson()} instead.
     *
     * @param t the instant
     * @return the JSON text of the JWK set
     */
    public String jwksJsonAt(Instant t) {
        List<JWK> keys = publishedAt(t).stream().map(KeyRecord::publicJwk).toList();
        return new JWKSet(keys).toString(true);
    }

    /**
     * The latest signed key set, when it verifies under the store's root key.
     *
     * @return the set, or empty (then {@link #keySetProblem()} says why)
     */
    public Optional<SignedKeySet> signedKeySet() {
        return signedKeySet;
    }

    /**
     * Why there is no usable signed key set: the store has no root key (it was created before signed
     * key sets), or the set is missing or does not verify. Each message names what to do.
     *
     * @return one line, or empty when {@link #signedKeySet()} is present
     */
    public Optional<String> keySetProblem() {
        return keySetProblem;
    }

    /**
     * Records in the store folder that the root never signed: not in the signed key set although their
     * own timestamps say they should be published, or never recorded in the audit log. Someone without
     * the passphrase wrote or altered them; they are never published and never sign.
     *
     * @return the records, oldest first
     */
    public List<KeyRecord> unsignedRecords() {
        return unsignedRecords;
    }

    /**
     * The root key that signs the key set (what services pin).
     *
     * @return the root, or empty for a store created before signed key sets
     */
    public Optional<RootKey> rootKey() {
        return knownRootKeys.stream().findFirst();
    }

    /**
     * Every root {@code root.json} lists: the one that signs the key set first, then a staged successor,
     * then earlier roots (most recent first). A set signed by any of them verifies.
     *
     * @return the roots; empty for a store created before signed key sets
     */
    public List<RootKey> knownRootKeys() {
        return knownRootKeys;
    }
}
