package io.nohop.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The rotation timeline rules, as pure functions of the records, the configuration and an instant.
 *
 * <p>The one rule that keeps at most one key ACTIVE: <em>a key stops signing as soon as any later
 * key (by sequence) starts</em>, i.e. {@code deactivateAt = min(stored deactivateAt, activateAt of
 * every later record)}, and {@code removeAt = deactivateAt + T + S}. {@code rotate} writes these
 * values into the predecessor's record, but they are derived again on every load, so a crash between
 * writing the new record and updating its predecessor cannot leave two ACTIVE keys. A revoked
 * successor still counts, so revoking a key never brings its retired predecessor back.
 */
final class RotationSchedule {

    private RotationSchedule() {
    }

    /**
     * Applies the deactivation rule.
     *
     * @param stored the records as stored, any order
     * @param config the store configuration (for T + S)
     * @return the records in sequence order with derived deactivateAt and removeAt
     */
    static List<KeyRecord> derive(Collection<KeyRecord> stored, StoreConfig config) {
        List<KeyRecord> sorted = new ArrayList<>(stored);
        sorted.sort(Comparator.comparingLong(KeyRecord::sequence));
        Duration grace = config.retirementGrace();
        KeyRecord[] derived = new KeyRecord[sorted.size()];
        Instant earliestLaterActivation = null;
        for (int i = sorted.size() - 1; i >= 0; i--) {
            KeyRecord record = sorted.get(i);
            Instant deactivate = record.deactivateAt().orElse(null);
            if (earliestLaterActivation != null && (deactivate == null || earliestLaterActivation.isBefore(deactivate))) {
                deactivate = earliestLaterActivation;
            }
            derived[i] = deactivate == null
                    ? record.withSchedule(Optional.empty(), Optional.empty())
                    : record.withSchedule(Optional.of(deactivate), Optional.of(deactivate.plus(grace)));
            if (earliestLaterActivation == null || record.activateAt().isBefore(earliestLaterActivation)) {
                earliestLaterActivation = record.activateAt();
            }
        }
        return List.of(derived);
    }

    /**
     * The key that signs at {@code t}.
     *
     * @param derived derived records
     * @param t the instant
     * @return the ACTIVE key, if any
     */
    static Optional<KeyRecord> activeAt(List<KeyRecord> derived, Instant t) {
        return derived.stream().filter(r -> r.stateAt(t) == KeyState.ACTIVE).findFirst();
    }

    /**
     * Tells whether a key signs at {@code t} or will sign later.
     *
     * @param record a derived record
     * @param t the instant
     * @return true for an ACTIVE key, or a PENDING key that will activate before it is deactivated
     */
    static boolean canSignNowOrLater(KeyRecord record, Instant t) {
        KeyState state = record.stateAt(t);
        if (state == KeyState.ACTIVE) {
            return true;
        }
        return state == KeyState.PENDING
                && (record.deactivateAt().isEmpty() || record.activateAt().isBefore(record.deactivateAt().get()));
    }

    /**
     * A PENDING key that will sign, if one exists.
     *
     * @param derived derived records
     * @param t the instant
     * @return the pending successor
     */
    static Optional<KeyRecord> pendingSuccessor(List<KeyRecord> derived, Instant t) {
        return derived.stream()
                .filter(r -> r.stateAt(t) == KeyState.PENDING && canSignNowOrLater(r, t))
                .reduce((first, second) -> second);
    }

    /**
     * Why rotating now with lead {@code lead} would break the timeline, if it would.
     *
     * @param derived derived records
     * @param config the store configuration
     * @param now the instant of the rotation
     * @param lead the publish lead of the new key
     * @return one line saying why, or empty when the rotation is safe
     */
    static Optional<String> rotationRefusal(List<KeyRecord> derived, StoreConfig config, Instant now, Duration lead) {
        Duration twiceRefresh = config.refreshBound().multipliedBy(2);
        if (lead.compareTo(twiceRefresh) < 0) {
            return Optional.of("refused: publish lead " + Durations.format(lead) + " is shorter than twice the verifiers' refresh bound ("
                    + "2 x " + Durations.format(config.refreshBound()) + " = " + Durations.format(twiceRefresh)
                    + "), so verifiers could meet tokens signed by a key they have not fetched yet;"
                    + " use --publish-lead " + Durations.format(twiceRefresh) + " or longer, or --force");
        }
        Optional<KeyRecord> pending = pendingSuccessor(derived, now);
        if (pending.isPresent()) {
            return Optional.of("refused: key " + pending.get().kid() + " is already pending and activates at "
                    + pending.get().activateAt() + "; use --force to schedule another key anyway");
        }
        return Optional.empty();
    }

    /**
     * Tells whether {@code rotate --if-due} should rotate now: no key is pending, and either no key
     * signs or the active key has been (or, counting the lead, will have been) active for the rotation period.
     *
     * @param derived derived records
     * @param config the store configuration
     * @param now the instant
     * @param lead the publish lead that the new key would get
     * @return true when a rotation is due
     */
    static boolean isDue(List<KeyRecord> derived, StoreConfig config, Instant now, Duration lead) {
        if (pendingSuccessor(derived, now).isPresent()) {
            return false;
        }
        Optional<KeyRecord> active = activeAt(derived, now);
        if (active.isEmpty()) {
            return true;
        }
        Instant successorWanted = active.get().activateAt().plus(config.rotationPeriod());
        return !now.plus(lead).isBefore(successorWanted);
    }

    /**
     * Why revoking {@code target} needs {@code --force}, if it does.
     *
     * @param derived derived records
     * @param target the key to revoke
     * @param now the instant of the revocation
     * @return one line saying why, or empty when another key can sign
     */
    static Optional<String> revocationRefusal(List<KeyRecord> derived, KeyRecord target, Instant now) {
        if (!canSignNowOrLater(target, now)) {
            return Optional.empty();
        }
        boolean another = derived.stream()
                .anyMatch(r -> !r.kid().equals(target.kid()) && canSignNowOrLater(r, now));
        if (another) {
            return Optional.empty();
        }
        return Optional.of("refused: key " + target.kid() + " is the last key that can sign, so revoking it stops all"
                + " signing until a new key activates; run rotate first, or use --force");
    }
}
