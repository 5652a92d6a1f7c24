package io.nohop.keys;

import java.util.Objects;
import java.util.Optional;

/** The result of checking a store's audit log ({@link SigningKeyStore#verifyAudit()}). */
public final class AuditVerification {

    private final int entries;
    private final Optional<String> problem;
    private final boolean tornTail;

    AuditVerification(int entries, Optional<String> problem, boolean tornTail) {
        this.entries = entries;
        this.problem = Objects.requireNonNull(problem, "problem");
        this.tornTail = tornTail;
    }

    /**
     * Tells whether the chain is intact.
     *
     * @return true when no problem was found
     */
    public boolean intact() {
        return problem.isEmpty();
    }

    /**
     * The number of entries checked before the first problem (all of them when intact).
     *
     * @return the count
     */
    public int entries() {
        return entries;
    }

    /**
     * The first problem, naming the first broken entry.
     *
     * @return one line, or empty when intact
     */
    public Optional<String> problem() {
        return problem;
    }

    /**
     * Tells whether an incomplete last line (an append cut short by a crash) was ignored.
     *
     * @return true if a torn tail was found
     */
    public boolean tornTail() {
        return tornTail;
    }
}
