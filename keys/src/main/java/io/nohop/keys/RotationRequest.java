package io.nohop.keys;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What {@link SigningKeyStore#rotate} should do; immutable, built from {@link #standard()}. */
public final class RotationRequest {

    private final Optional<Duration> publishLead;
    private final boolean force;
    private final boolean onlyIfDue;

    private RotationRequest(Optional<Duration> publishLead, boolean force, boolean onlyIfDue) {
        this.publishLead = publishLead;
        this.force = force;
        this.onlyIfDue = onlyIfDue;
    }

    /**
     * A rotation with the store's publish lead, refused if unsafe, done whether due or not.
     *
     * @return the request
     */
    public static RotationRequest standard() {
        return new RotationRequest(Optional.empty(), false, false);
    }

    /**
     * Overrides the store's publish lead for this rotation.
     *
     * @param lead zero or a positive duration
     * @return a new request
     */
    public RotationRequest withPublishLead(Duration lead) {
        Objects.requireNonNull(lead, "lead");
        if (lead.isNegative()) {
            throw new IllegalArgumentException("publish lead must not be negative: " + lead);
        }
        return new RotationRequest(Optional.of(lead), force, onlyIfDue);
    }

    /**
     * Rotates even when the schedule checks refuse.
     *
     * @param value true to force
     * @return a new request
     */
    public RotationRequest withForce(boolean value) {
        return new RotationRequest(publishLead, value, onlyIfDue);
    }

    /**
     * Rotates only when the rotation period says a successor is due (for cron).
     *
     * @param value true to rotate only when due
     * @return a new request
     */
    public RotationRequest withOnlyIfDue(boolean value) {
        return new RotationRequest(publishLead, force, value);
    }

    /**
     * The publish lead override.
     *
     * @return the lead, if overridden
     */
    public Optional<Duration> publishLead() {
        return publishLead;
    }

    /**
     * Whether schedule refusals are overridden.
     *
     * @return true when forced
     */
    public boolean force() {
        return force;
    }

    /**
     * Whether to rotate only when due.
     *
     * @return true for {@code --if-due}
     */
    public boolean onlyIfDue() {
        return onlyIfDue;
    }
}
