package io.nohop.core.internal.jws;

import io.nohop.core.internal.keyset.JwsAlgorithm;
import org.jspecify.annotations.Nullable;

import java.util.Arrays;
import java.util.Map;

/**
 * The protected headers of tokens one verifier accepted lately, so that a token whose header segment is
 * the same text is not decoded and checked again: every token an issuer signs with one key carries the same
 * header, and decoding and checking it is about a sixth of nohop's own work per token (docs/BENCHMARKS.md).
 *
 * <p>Why this is exact: equal header text decodes to equal header bytes, so every rule of step 3 that reads
 * the header (its JSON, {@code alg}, {@code crit}, {@code enc}, {@code b64}, the kid's type) and the
 * verifier's algorithm allowlist, which is fixed when it is built, decide the same again. A hit needs the whole
 * segment to match, character for character; anything else is a miss and takes the ordinary path.
 *
 * <p>Only the headers of verified tokens are kept ({@link CompactJws#rememberHeader}), so a flood of forged or
 * malformed tokens writes nothing here: it neither evicts the issuers' headers nor makes the threads of a busy
 * service write to shared memory on every request. A few slots (picked by the segment's last characters, where
 * the kid is encoded) keep the headers of several keys during a rotation's overlap; a slot is written only when
 * a verified token's header is not there already. The text kept is the header segment only, never a token.
 *
 * <p>Thread-safe: each slot holds an immutable entry, read and replaced whole; two threads replacing the same
 * slot leave either entry, and either is right.
 */
public final class HeaderMemo {
    private static final int SLOTS = 8;

    /** One accepted header: its segment's text (as ASCII bytes) and what step 3 made of it. */
    static final class Entry {
        final byte[] segment;
        final Map<String, Object> header;
        final JwsAlgorithm algorithm;
        final @Nullable String kid;
        final @Nullable Object type;

        Entry(byte[] segment, Map<String, Object> header, JwsAlgorithm algorithm, @Nullable String kid,
              @Nullable Object type) {
            this.segment = segment;
            this.header = header;
            this.algorithm = algorithm;
            this.kid = kid;
            this.type = type;
        }
    }

    // Plain array elements, read and written whole: an entry is immutable (final fields), so a reader sees either
    // the old entry or a fully built new one, never a torn one; no ordering with anything else is needed.
    private final Entry[] slots = new Entry[SLOTS];

    /** Creates an empty memo (one per verifier: it is only as right as that verifier's algorithm allowlist). */
    public HeaderMemo() {
    }

    /**
     * @param ascii the token as Latin-1 bytes
     * @param headerEnd the index of its first dot: the header segment is {@code [0, headerEnd)}
     * @return the remembered header that may be this token's (a segment as long, in the slot for it), or null
     */
    @Nullable Entry candidate(byte[] ascii, int headerEnd) {
        Entry e = slots[slot(ascii, headerEnd)];
        return e != null && e.segment.length == headerEnd ? e : null;
    }

    /**
     * @param e a {@link #candidate}
     * @param ascii the token as Latin-1 bytes ({@code String.getBytes(ISO_8859_1)}: a character above U+00FF
     *              reads {@code ?}, which no remembered segment holds, so equal bytes mean equal text)
     * @return whether the token's header segment is exactly the candidate's (a vectorised comparison)
     */
    static boolean matches(Entry e, byte[] ascii) {
        return Arrays.equals(ascii, 0, e.segment.length, e.segment, 0, e.segment.length);
    }

    /**
     * @param ascii the verified token as Latin-1 bytes
     * @param headerEnd the index of its first dot
     */
    void remember(byte[] ascii, int headerEnd, Map<String, Object> header, JwsAlgorithm algorithm,
                  @Nullable String kid, @Nullable Object type) {
        slots[slot(ascii, headerEnd)] = new Entry(Arrays.copyOf(ascii, headerEnd), header, algorithm, kid, type);
    }

    /** A slot from the segment's length and its last characters (the kid is the header's last member, as issuers write it). */
    private static int slot(byte[] ascii, int headerEnd) {
        int h = headerEnd;
        for (int i = Math.max(0, headerEnd - 4); i < headerEnd; i++) {
            h = 31 * h + ascii[i];
        }
        return (h ^ (h >>> 7)) & (SLOTS - 1);
    }
}
