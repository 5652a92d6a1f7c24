package io.nohop.core.internal.jws;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.core.internal.keyset.JwsAlgorithm;

import java.util.Map;
import java.util.Set;

/**
 * Step 3 of the verification path (docs/DESIGN.md): strict compact form and the protected header's
 * rules, for a token already within the size cap (step 1). The payload is returned as bytes: whether
 * it is a JWT claims set is for the caller (a JWS payload may be any octets, RFC 7515), so that the
 * JWS layer can be checked on its own.
 */
public final class CompactJws {
    private static final int MAX_JSON_DEPTH = 32;

    private final Map<String, Object> header;
    private final JwsAlgorithm algorithm;
    private final String kid;
    private final byte[] payload;
    private final byte[] signature;
    private final int signingInputLength;

    private CompactJws(Map<String, Object> header, JwsAlgorithm algorithm, String kid, byte[] payload,
                       byte[] signature, int signingInputLength) {
        this.header = header;
        this.algorithm = algorithm;
        this.kid = kid;
        this.payload = payload;
        this.signature = signature;
        this.signingInputLength = signingInputLength;
    }

    /**
     * Parses a compact JWS and applies the header rules.
     *
     * @param token the token text, no longer than the size cap
     * @param allowed the algorithms the policy accepts
     * @return the parsed token
     * @throws TokenRejectedException {@code malformed} or {@code unsupported_algorithm}
     */
    public static CompactJws parse(String token, Set<JwsAlgorithm> allowed) throws TokenRejectedException {
        int length = token.length();
        // 3a. Strict form: three base64url segments, nothing else. The dots are found with indexOf (an
        // intrinsic); every other character is checked against the alphabet by the decoder itself,
        // so the token is read once, not twice.
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot < 0) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the token is not three dot-separated segments");
        }
        if (token.indexOf('.', secondDot + 1) >= 0) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the token has more than three segments (JWE is not accepted)");
        }
        byte[] headerBytes = Base64Url.decode(token, 0, firstDot);
        byte[] payloadBytes = Base64Url.decode(token, firstDot + 1, secondDot);
        byte[] signature = Base64Url.decode(token, secondDot + 1, length);
        if (headerBytes == null || payloadBytes == null || signature == null) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "a segment is not strict base64url (a character outside the alphabet, or non-zero padding bits)");
        }
        // 3b. Header: an alg string; no JWE, crit or b64:false; a kid, if any, is a string; then the alg allowed.
        Map<String, Object> header;
        try {
            header = StrictJson.parseObject(headerBytes, MAX_JSON_DEPTH);
        } catch (JsonParseException e) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header is not a JSON object");
        }
        Object algName = header.get("alg");
        if (!(algName instanceof String)) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header has no alg string");
        }
        if (header.containsKey("enc")) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the token is a JWE");
        }
        if (header.containsKey("crit")) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header has crit, and no extension is understood");
        }
        if (header.containsKey("b64") && header.get("b64") != Boolean.TRUE) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "unencoded payloads (b64) are not accepted");
        }
        Object kidValue = header.get("kid");
        if (kidValue != null && !(kidValue instanceof String)) {
            throw new TokenRejectedException(RejectionReason.MALFORMED, "the header's kid is not a string");
        }
        JwsAlgorithm algorithm = JwsAlgorithm.byName((String) algName);
        if (algorithm == null || !allowed.contains(algorithm)) {
            throw new TokenRejectedException(RejectionReason.UNSUPPORTED_ALGORITHM, "the algorithm is not allowed");
        }
        return new CompactJws(header, algorithm, (String) kidValue, payloadBytes, signature, secondDot);
    }

    /** @return the parsed protected header */
    public Map<String, Object> header() {
        return header;
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

    /** @return the decoded signature bytes */
    public byte[] signature() {
        return signature;
    }

    /** @return the length of the signing input {@code header.payload}: the index of the second dot */
    public int signingInputLength() {
        return signingInputLength;
    }
}
