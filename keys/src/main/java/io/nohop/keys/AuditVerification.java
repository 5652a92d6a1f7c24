package io.nohop.keys;

import java.util.List;
import java.util.Optional;

/**
 * The result of checking a store with its passphrase ({@link SigningKeyStore#verifyAudit(char[])}): the
 * audit log, root keys, signed key set and records. Problems make {@code audit verify} exit 1; notes
 * (an acknowledged loss of entries, an interrupted command the next writer records) are printed but
 * do not fail it.
 */
public final class AuditVerification {

    private final int entries;
    private final List<String> problems;
    private final List<String> notes;
    private final boolean tornTail;

    AuditVerification(int entries, List<String> problems, List<String> notes, boolean tornTail) {
        this.entries = entries;
        this.problems = List.copyOf(problems);
        this.notes = List.copyOf(notes);
        this.tornTail = tornTail;
    }

    /**
     * Tells whether everything checked out.
     *
     * @return true when no problem was found
     */
    public boolean intact() {
        return problems.isEmpty();
    }

    /**
     * The number of complete lines in the log.
     *
     * @return the count
     */
    public int entries() {
        return entries;
    }

    /**
     * The first problem.
     *
     * @return one line, or empty when intact
     */
    public Optional<String> problem() {
        return problems.stream().findFirst();
    }

    /**
     * Every problem, one line each, in the order found (the log first, then root, key set and records).
     *
     * @return the problems; empty when intact
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * What is worth knowing but not wrong, one line each.
     *
     * @return the notes
     */
    public List<String> notes() {
        return notes;
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
