package io.nohop.keys;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An immutable view of a store as loaded: its configuration and its key records (in sequence order,
 * with the schedule derived as {@link SigningKeyStore} describes). Every question about time takes
 * the instant explicitly.
 */
public final class StoreSnapshot {

    private final StoreConfig config;
    private final List<KeyRecord> records;

    StoreSnapshot(StoreConfig config, List<KeyRecord> records) {
        this.config = config;
        this.records = List.copyOf(records);
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
     * All key records, oldest first.
     *
     * @return the records
     */
    public List<KeyRecord> records() {
        return records;
    }

    /**
     * Looks a key up by kid.
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
     * The keys to publish at {@code t}: PENDING, ACTIVE and RETIRING.
     *
     * @param t the instant
     * @return the published keys, oldest first
     */
    public List<KeyRecord> publishedAt(Instant t) {
        return records.stream().filter(r -> r.stateAt(t).isPublished()).toList();
    }

    /**
     * The public JWKS to publish at {@code t}: each key with {@code kid}, {@code alg}, {@code use: sig}
     * and no private members.
     *
     * @param t the instant
     * @return the JSON text of the JWK set
     */
    public String jwksJsonAt(Instant t) {
        List<JWK> keys = publishedAt(t).stream().map(KeyRecord::publicJwk).toList();
        return new JWKSet(keys).toString(true);
    }
}
