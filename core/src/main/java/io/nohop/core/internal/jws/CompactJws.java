package io.nohop.core.internal.jws;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Step 3 of the verification path (docs/DESIGN.md): strict compact form and the protected header's
 * rules, for a token already within the size cap (step 1). The payload is returned as bytes: whether
 * it is a JWT claims set is for the caller (a JWS payload may be any octets, RFC 7515), so that the
 * JWS layer can be checked on its own.
 *
 * <p>Cheap where an attacker drives it: the token is copied to Latin-1 bytes once (an intrinsic copy, which
 * the signature check needs anyway as {@link #signingInput()}) and its segments decode from those bytes; a
 * header or payload that is not strict base64url rejects the token at once, and the signature is read only when
 * needed: decoded once a key was found for it ({@link #signature()}, which is also its form check), or,
 * on a path that rejects the token before that, checked for form first ({@link #signatureIsCanonical()}),
 * so that a malformed signature is still reported as {@code malformed} (step 3) before any later step's
 * code. The accepting path thus reads the signature's text once, not twice.
 */
public final class CompactJws {
    private static final int MAX_JSON_DEPTH = 32;
    /** The header members the rules of step 3 and the policy's type check read, in the order of {@link #parse}'s checks. */
    private static final String[] HEADER_MEMBERS = {"alg", "enc", "crit", "b64", "kid", "typ"};
    /** The detail of a {@code malformed} rejection for a segment that is not strict base64url. */
    public static final String NOT_BASE64URL =
            "a segment is not strict base64url (a character outside the alphabet, or non-zero padding bits)";

    /** The token as Latin-1 bytes (a character above U+00FF copied as {@code ?}, which no segment may hold). */
    private final byte[] ascii;
    private final Map<String, Object> header;
    private final JwsAlgorithm algorithm;
    private final String kid;
    private final Object type;
    private final byte[] payload;
    private final int firstDot;
    private final int secondDot;
    /** Whether the header came from a {@link HeaderMemo} (so remembering it again is pointless). */
    private final boolean headerRemembered;
    private CompactJws(byte[] ascii, Map<String, Object> header, JwsAlgorithm algorithm, String kid, Object type,
                       byte[] payload, int firstDot, int secondDot, boolean headerRemembered) {
        this.ascii = ascii;
        this.header = header;
        this.algorithm = algorithm;
        this.kid = kid;
        this.type = type;
        this.payload = payload;
        this.firstDot = firstDot;
        this.secondDot = secondDot;
        this.headerRemembered = headerRemembered;
    }

    /**
     * Parses a compact JWS and applies the header rules. Every form error ({@code malformed}) of any
     * segment is found before an algorithm is refused ({@code unsupported_algorithm}); the signature's
     * form is otherwise left to {@link #signature()} or {@link #signatureIsCanonical()}.
     *
     * @param token the token text, no longer than the size cap
     * @param allowed the algorithms the policy accepts
     * @return the parsed token
     * @throws TokenRejectedException {@code malformed} or {@code unsupported_algorithm}
     */
    public static CompactJws parse(String token, Set<JwsAlgorithm> allowed) throws TokenRejectedException {
        return parse(token, allowed, null);
    }

    /**
     * {@link #parse(String, Set)}, taking the header from {@code memo} when its segment is one a verified token
     * had: the same outcome, without decoding and checking the header again (see {@link HeaderMemo}).
     *
     * @param token the token text, no longer than the size cap
     * @param allowed the algorithms the policy accepts; always the same set for one memo
     * @param memo the verifier's memo, or null
     * @return the parsed token
     * @throws TokenRejectedException {@code malformed} or {@code unsupported_algorithm}
     */
    public static CompactJws parse(String token, Set<JwsAlgorithm> allowed, @Nullable HeaderMemo memo)
            throws TokenRejectedException {
        // 3a. Strict form: three base64url segments, nothing else. The dots are found with indexOf (an
        // intrinsic); every other byte is checked against the alphabet by the decoder itself, so the
        // token is read once, not twice.
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot < 0) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the token is not three dot-separated segments");
        }
        if (token.indexOf('.', secondDot + 1) >= 0) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the token has more than three segments (JWE is not accepted)");
        }
        // The token's bytes, which the signature check needs anyway: the segments decode a third faster from
        // bytes than from the text, and a remembered header is compared in one vectorised call.
        byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
        HeaderMemo.Entry known = memo == null ? null : memo.candidate(ascii, firstDot);
        boolean same = known != null && HeaderMemo.matches(known, ascii);
        byte[] headerBytes = same ? null : Base64Url.decode(ascii, 0, firstDot);
        byte[] payloadBytes = !same && headerBytes == null ? null : Base64Url.decode(ascii, firstDot + 1, secondDot);
        if (payloadBytes == null) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, NOT_BASE64URL);
        }
        // A remembered header passed every rule of checkHeader (the allowlist included), for this same text.
        return same
                ? new CompactJws(ascii, known.header, known.algorithm, known.kid, known.type, payloadBytes, firstDot, secondDot, true)
                : checkHeader(ascii, allowed, headerBytes, payloadBytes, firstDot, secondDot);
    }

    /** Step 3b on decoded segments: the header's rules, then the algorithm allowed. */
    private static CompactJws checkHeader(byte[] ascii, Set<JwsAlgorithm> allowed, byte[] headerBytes,
                                          byte[] payloadBytes, int firstDot, int secondDot) throws TokenRejectedException {
        // 3b. Header: an alg string; no JWE, crit or b64:false; a kid, if any, is a string; then the alg allowed.
        // Checked in full, but only the members these rules read are made: the header is built when first read.
        Object[] members;
        try {
            members = StrictJson.validateObjectReading(headerBytes, MAX_JSON_DEPTH, HEADER_MEMBERS);
        } catch (JsonParseException e) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header is not a JSON object");
        }
        Object algName = members[0];
        if (!(algName instanceof String)) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header has no alg string");
        }
        if (members[1] != null) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the token is a JWE");
        }
        if (members[2] != null) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header has crit, and no extension is understood");
        }
        if (members[3] != null && members[3] != Boolean.TRUE) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "unencoded payloads (b64) are not accepted");
        }
        Object kidValue = members[4];
        if (kidValue != null && !(kidValue instanceof String)) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header's kid is not a string");
        }
        JwsAlgorithm algorithm = JwsAlgorithm.byName((String) algName);
        if (algorithm == null || !allowed.contains(algorithm)) {
            throw algorithmRefused(ascii, secondDot);
        }
        return new CompactJws(ascii, StrictJson.parseObjectWhenRead(headerBytes, MAX_JSON_DEPTH), algorithm,
                (String) kidValue, members[5], payloadBytes, firstDot, secondDot, false);
    }

    /**
     * Keeps this token's header in {@code memo} for the next token with the same header segment; call it only
     * once the token verified, so that only issuers' headers are kept.
     *
     * @param memo the memo of the verifier that parsed this token
     */
    public void rememberHeader(HeaderMemo memo) {
        if (!headerRemembered) {
            memo.remember(ascii, firstDot, header, algorithm, kid, type);
        }
    }

    // Out of parse, whose size decides whether the JIT inlines it: the signature's form first (step 3's form rules
    // come before its algorithm rule), then the algorithm.
    private static TokenRejectedException algorithmRefused(byte[] ascii, int secondDot) {
        if (!Base64Url.isCanonical(ascii, secondDot + 1, ascii.length)) {
            return new TokenRejectedException(RejectionReason.MALFORMED, NOT_BASE64URL);
        }
        return new TokenRejectedException(RejectionReason.UNSUPPORTED_ALGORITHM, "the algorithm is not allowed");
    }

    /** @return the protected header (checked; built when first read) */
    public Map<String, Object> header() {
        return header;
    }

    /**
     * @return the header's {@code typ}: a {@link String}, null when absent, or another object when it is not a
     *         string (as {@code header().get("typ")} would tell, without building the header)
     */
    public Object type() {
        return type;
    }

    /** @return the header's algorithm, one the policy allows */
    public JwsAlgorithm algorithm() {
        return algorithm;
    }

    /** @return the header's kid, or null when it names none */
    public String kid() {
        return kid;
    }

    /** @return the decoded payload bytes (not copied: the caller owns this parse) */
    public byte[] payload() {
        return payload;
    }

    /**
     * Decodes the signature, which checks its form too; call it once, after a key was found.
     *
     * @return the decoded signature bytes, or null when the segment is not canonical strict base64url
     *         ({@code malformed}, {@link #NOT_BASE64URL})
     */
    public byte[] signature() {
        return Base64Url.decode(ascii, secondDot + 1, ascii.length);
    }

    /**
     * Whether the signature segment is canonical strict base64url, without decoding it (no allocation): for
     * a path that rejects the token before its signature is decoded, which must report a malformed signature
     * first.
     *
     * @return true when {@link #signature()} would decode it
     */
    public boolean signatureIsCanonical() {
        return Base64Url.isCanonical(ascii, secondDot + 1, ascii.length);
    }

    /**
     * The token's bytes: the form of header and payload was checked by {@link #parse}, so each byte of the
     * signing input is one ASCII character.
     *
     * @return the array whose first {@link #signingInputLength()} bytes are the signing input {@code header.payload}
     *         (not copied: the caller owns this parse)
     */
    public byte[] signingInput() {
        return ascii;
    }

    /** @return the length of the signing input {@code header.payload}: the index of the second dot */
    public int signingInputLength() {
        return secondDot;
    }
}
