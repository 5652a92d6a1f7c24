package io.nohop.keys;

/**
 * Where a key is in its lifecycle at a given instant; always derived from the key's timestamps
 * (see {@link KeyRecord#stateAt(java.time.Instant)}), never stored.
 */
public enum KeyState {
    /** Published so that verifiers fetch it, not yet signing. */
    PENDING,
    /** The one key that signs. */
    ACTIVE,
    /** Published so that tokens it signed still verify; no longer signing. */
    RETIRING,
    /** Unpublished; every token it signed has expired. Its private part is destroyed. */
    RETIRED,
    /** Unpublished at once by an emergency revocation; private part destroyed. */
    REVOKED;

    /**
     * Tells whether keys in this state belong in the published key set.
     *
     * @return true for PENDING, ACTIVE and RETIRING
     */
    public boolean isPublished() {
        return this == PENDING || this == ACTIVE || this == RETIRING;
    }
}
