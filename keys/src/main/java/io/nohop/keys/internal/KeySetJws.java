package io.nohop.keys.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Signs and checks the two documents a root key signs: the signed key set (OpenID Federation 1.0
 * "signed JWK set": compact JWS, header {@code typ: jwk-set+jwt}, claims {@code iss}, {@code sub},
 * {@code iat}, {@code exp}, {@code keys}) and the endorsement of a successor root.
 *
 * <p>The check is strict: exactly three segments of canonical base64url (re-encoding the decoded
 * bytes must give the same text, so no two texts carry the same signature), a JSON header without
 * {@code crit} naming the algorithm and kid of one of the given roots (the key is never taken from the
 * document), the expected {@code typ} (compared as RFC 7515 §4.1.9 says: case-insensitively, with an
 * optional {@code application/} prefix), a signature that verifies under that root, and well-formed
 * claims. Any change to the text is refused.
 */
public final class KeySetJws {

    /** The {@code typ} of a signed key set. */
    public static final String KEY_SET_TYPE = "jwk-set+jwt";

    /** The {@code typ} of a root endorsement (a root vouching for its successor). */
    public static final String ENDORSEMENT_TYPE = "nohop-root-endorsement+jwt";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    private KeySetJws() {
    }

    /** A document that failed the check; the message says why, in one line. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message why the document was refused
         */
        public RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A signed key set that passed the check.
     *
     * @param compact the document as received
     * @param signerKid the kid of the root that signed it
     * @param keys the public JWKs it holds, in document order
     * @param issuedAt {@code iat}, seconds since the epoch
     * @param expiresAt {@code exp}, seconds since the epoch
     * @param issuer {@code iss}, if present
     * @param subject {@code sub}, if present
     */
    public record VerifiedKeySet(String compact, String signerKid, List<JWK> keys, long issuedAt, long expiresAt,
                                 Optional<String> issuer, Optional<String> subject) {
        /**
         * Copies the list.
         *
         * @param compact the document
         * @param signerKid the signing root
         * @param keys the keys
         * @param issuedAt iat
         * @param expiresAt exp
         * @param issuer iss
         * @param subject sub
         */
        public VerifiedKeySet {
            keys = List.copyOf(keys);
        }

        /**
         * The kids of the keys, in document order.
         *
         * @return the kids
         */
        public List<String> kids() {
            return keys.stream().map(JWK::getKeyID).toList();
        }
    }

    /**
     * Signs a key set.
     *
     * @param root the root's private JWK (with kid and alg)
     * @param keys the public JWKs to publish
     * @param issuer {@code iss} and {@code sub}, if the store has an issuer
     * @param issuedAt {@code iat}, seconds
     * @param expiresAt {@code exp}, seconds
     * @return the compact JWS
     * @throws JOSEException if signing fails
     */
    public static String signKeySet(JWK root, List<JWK> keys, Optional<String> issuer, long issuedAt, long expiresAt)
            throws JOSEException {
        Map<String, Object> claims = new LinkedHashMap<>();
        issuer.ifPresent(iss -> {
            claims.put("iss", iss);
            claims.put("sub", iss);
        });
        claims.put("iat", issuedAt);
        claims.put("exp", expiresAt);
        List<Object> jwks = new ArrayList<>();
        for (JWK key : keys) {
            if (key.isPrivate()) {
                throw new JOSEException("refusing to publish private key material (kid " + key.getKeyID() + ")");
            }
            jwks.add(key.toJSONObject());
        }
        claims.put("keys", jwks);
        return sign(root, KEY_SET_TYPE, claims);
    }

    /**
     * Signs an endorsement: {@code endorser} vouches for {@code successor} (a new root).
     *
     * @param endorser the endorsing root's private JWK
     * @param successor the successor's public JWK
     * @param issuedAt seconds
     * @return the compact JWS
     * @throws JOSEException if signing fails
     */
    public static String signEndorsement(JWK endorser, JWK successor, long issuedAt) throws JOSEException {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", issuedAt);
        claims.put("jwk", successor.toPublicJWK().toJSONObject());
        return sign(endorser, ENDORSEMENT_TYPE, claims);
    }

    private static String sign(JWK signer, String type, Map<String, Object> claims) throws JOSEException {
        if (signer.getAlgorithm() == null || signer.getKeyID() == null) {
            throw new JOSEException("a root key needs alg and kid");
        }
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.parse(signer.getAlgorithm().getName()))
                .keyID(signer.getKeyID())
                .type(new JOSEObjectType(type))
                .build();
        JWSObject jws = new JWSObject(header, new Payload(JsonText.write(claims).getBytes(StandardCharsets.UTF_8)));
        jws.sign(KeyMaterial.signer(signer));
        return jws.serialize();
    }

    /**
     * Checks a signed key set.
     *
     * @param compact the document
     * @param roots the roots that may have signed it (public JWKs with kid and alg)
     * @param expectedIssuer when present, {@code iss} must equal it
     * @return the verified set
     * @throws RefusedException saying why, when any check fails
     */
    public static VerifiedKeySet verifyKeySet(String compact, Collection<JWK> roots, Optional<String> expectedIssuer)
            throws RefusedException {
        Checked checked = check(compact, roots, KEY_SET_TYPE, "signed key set");
        Map<String, Object> claims = checked.claims();
        long iat = seconds(claims, "iat");
        long exp = seconds(claims, "exp");
        if (exp <= iat) {
            throw new RefusedException("signed key set: exp " + exp + " is not after iat " + iat);
        }
        Optional<String> iss = optionalString(claims, "iss");
        Optional<String> sub = optionalString(claims, "sub");
        if (expectedIssuer.isPresent() && !expectedIssuer.equals(iss)) {
            throw new RefusedException("signed key set: iss " + iss.orElse("(none)") + " is not the store's issuer "
                    + expectedIssuer.get());
        }
        if (!(claims.get("keys") instanceof List<?> list)) {
            throw new RefusedException("signed key set: keys is missing or not an array");
        }
        Set<String> rootKids = new HashSet<>();
        Set<String> rootThumbprints = new HashSet<>();
        for (JWK root : roots) {
            rootKids.add(root.getKeyID());
            rootThumbprints.add(thumbprint(root));
        }
        List<JWK> keys = new ArrayList<>();
        Set<String> kids = new HashSet<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> member)) {
                throw new RefusedException("signed key set: a member of keys is not an object");
            }
            for (String name : PRIVATE_MEMBERS) {
                if (member.containsKey(name)) {
                    throw new RefusedException("signed key set: a key holds the private member " + name);
                }
            }
            JWK key;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> json = (Map<String, Object>) member;
                key = JWK.parse(json);
            } catch (ParseException | RuntimeException e) {
                throw new RefusedException("signed key set: a member of keys is not a JWK: " + oneLine(e.getMessage()));
            }
            if (key.getKeyID() == null || !kids.add(key.getKeyID())) {
                throw new RefusedException("signed key set: every key needs a kid of its own");
            }
            if (rootKids.contains(key.getKeyID()) || rootThumbprints.contains(thumbprint(key))) {
                throw new RefusedException("signed key set: it lists a root key, which never signs tokens");
            }
            keys.add(key);
        }
        return new VerifiedKeySet(compact, checked.signer().getKeyID(), keys, iat, exp, iss, sub);
    }

    /**
     * Checks an endorsement and returns the successor it vouches for.
     *
     * @param compact the endorsement
     * @param endorser the public JWK of the root said to have signed it
     * @return the endorsed successor's public JWK
     * @throws RefusedException when it does not verify under {@code endorser}
     */
    public static JWK verifyEndorsement(String compact, JWK endorser) throws RefusedException {
        Checked checked = check(compact, List.of(endorser), ENDORSEMENT_TYPE, "root endorsement");
        if (!(checked.claims().get("jwk") instanceof Map<?, ?> member)) {
            throw new RefusedException("root endorsement: jwk is missing");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) member;
            JWK successor = JWK.parse(json);
            if (successor.isPrivate()) {
                throw new RefusedException("root endorsement: the jwk holds private members");
            }
            return successor;
        } catch (ParseException e) {
            throw new RefusedException("root endorsement: jwk is not a JWK: " + oneLine(e.getMessage()));
        }
    }

    private record Checked(JWK signer, Map<String, Object> claims) {
    }

    private static Checked check(String compact, Collection<JWK> roots, String type, String what)
            throws RefusedException {
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            throw new RefusedException(what + ": not a compact JWS (three base64url segments)");
        }
        byte[] headerBytes = canonicalBase64Url(parts[0], what);
        byte[] payloadBytes = canonicalBase64Url(parts[1], what);
        canonicalBase64Url(parts[2], what);
        Map<String, Object> headerJson;
        Map<String, Object> claims;
        try {
            headerJson = JSONObjectUtils.parse(new String(headerBytes, StandardCharsets.UTF_8));
            claims = JSONObjectUtils.parse(new String(payloadBytes, StandardCharsets.UTF_8));
        } catch (ParseException | RuntimeException e) {
            throw new RefusedException(what + ": header or payload is not a JSON object");
        }
        if (headerJson.containsKey("crit") || headerJson.containsKey("b64")) {
            throw new RefusedException(what + ": crit or b64 header parameters are not accepted");
        }
        if (!(headerJson.get("typ") instanceof String typ) || !typeMatches(typ, type)) {
            throw new RefusedException(what + ": typ is " + describe(headerJson.get("typ")) + ", not " + type);
        }
        if (!(headerJson.get("kid") instanceof String kid)) {
            throw new RefusedException(what + ": header has no kid");
        }
        if (!(headerJson.get("alg") instanceof String alg)) {
            throw new RefusedException(what + ": header has no alg");
        }
        JWK signer = null;
        for (JWK root : roots) {
            if (kid.equals(root.getKeyID())) {
                signer = root;
            }
        }
        if (signer == null) {
            throw new RefusedException(what + ": signed by " + LogSafe.text(kid) + ", which is not a root key of this store");
        }
        if (signer.getAlgorithm() == null || !alg.equals(signer.getAlgorithm().getName())) {
            throw new RefusedException(what + ": alg " + LogSafe.text(alg) + " is not the root's algorithm");
        }
        try {
            JWSHeader header = JWSHeader.parse(new Base64URL(parts[0]));
            byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            if (!verifier(signer).verify(header, signingInput, new Base64URL(parts[2]))) {
                throw new RefusedException(what + ": the signature does not verify under root " + signer.getKeyID());
            }
        } catch (ParseException | JOSEException e) {
            throw new RefusedException(what + ": the signature does not verify under root " + signer.getKeyID()
                    + " (" + oneLine(e.getMessage()) + ")");
        }
        return new Checked(signer, claims);
    }

    /**
     * A verifier for a public JWK of any algorithm a store signs with.
     *
     * @param publicJwk the key
     * @return its verifier
     * @throws JOSEException for an unsupported key
     */
    public static JWSVerifier verifier(JWK publicJwk) throws JOSEException {
        if (publicJwk instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (publicJwk instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (publicJwk instanceof OctetKeyPair okp) {
            return new Ed25519JwsVerifier(okp);
        }
        throw new JOSEException("no verifier for key type " + publicJwk.getKeyType());
    }

    static boolean typeMatches(String actual, String expected) {
        String a = actual.toLowerCase(Locale.ROOT);
        if (a.startsWith("application/")) {
            a = a.substring("application/".length());
        }
        return a.equals(expected);
    }

    private static byte[] canonicalBase64Url(String segment, String what) throws RefusedException {
        if (!SEGMENT.matcher(segment).matches()) {
            throw new RefusedException(what + ": a segment is empty or not base64url");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw new RefusedException(what + ": a segment is not base64url");
        }
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment)) {
            throw new RefusedException(what + ": a segment is not canonical base64url");
        }
        return bytes;
    }

    private static long seconds(Map<String, Object> claims, String name) throws RefusedException {
        Object value = claims.get(name);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0
                || n.doubleValue() > 253402300799d) {
            throw new RefusedException("signed key set: " + name + " is missing or not a whole NumericDate");
        }
        return n.longValue();
    }

    private static Optional<String> optionalString(Map<String, Object> claims, String name) throws RefusedException {
        Object value = claims.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String s)) {
            throw new RefusedException("signed key set: " + name + " is not a string");
        }
        return Optional.of(s);
    }

    private static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            return "";
        }
    }

    private static String describe(Object value) {
        return value == null ? "missing" : LogSafe.text(String.valueOf(value));
    }

    private static String oneLine(String message) {
        return message == null ? "no detail" : LogSafe.text(message);
    }
}
