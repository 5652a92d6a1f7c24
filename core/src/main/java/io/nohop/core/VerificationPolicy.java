package io.nohop.core;

import io.nohop.core.internal.jws.JoseType;
import io.nohop.core.internal.jws.NumericDate;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import org.jspecify.annotations.Nullable;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Step 7 of the verification path (docs/DESIGN.md): the claim rules of one verifier, fixed at build
 * time, kept apart from {@link TokenVerifier} so that they can be read in one place, in the order they
 * apply. Immutable, so thread-safe; the user predicates must be thread-safe themselves.
 */
final class VerificationPolicy {
    /** A user predicate with the description it is reported under. */
    record NamedPredicate(String description, Predicate<VerifiedToken> predicate) { }

    private static final Set<String> STRING_CLAIMS = Set.of("iss", "sub", "jti");

    final EnumSet<JwsAlgorithm> algorithms;
    final Set<String> issuers;          // empty = any issuer
    final Set<String> audiences;        // empty = any audience
    final long skewMillis;
    final long maxLifetimeMillis;
    final @Nullable String requiredType; // normalised, or null when typ is not checked
    final List<String> requiredClaims;
    final List<NamedPredicate> predicates;

    VerificationPolicy(EnumSet<JwsAlgorithm> algorithms, Set<String> issuers, Set<String> audiences, long skewMillis,
                       long maxLifetimeMillis, @Nullable String requiredType, List<String> requiredClaims,
                       List<NamedPredicate> predicates) {
        this.algorithms = algorithms;
        this.issuers = Set.copyOf(issuers);
        this.audiences = Set.copyOf(audiences);
        this.skewMillis = skewMillis;
        this.maxLifetimeMillis = maxLifetimeMillis;
        this.requiredType = requiredType == null ? null : normaliseType(requiredType);
        this.requiredClaims = List.copyOf(requiredClaims);
        this.predicates = List.copyOf(predicates);
    }

    /**
     * RFC 7515 §4.1.9: a {@code typ} without a slash means {@code application/} + it; media types
     * compare case-insensitively.
     */
    static String normaliseType(String typ) {
        return JoseType.normalise(typ);
    }

    /**
     * Checks the claims of a token whose signature has been verified.
     *
     * @param typ the header's {@code typ} as {@code header.get("typ")} gives it (read once by the parse, so that
     *            the header itself is built only when the token's holder asks for it)
     * @param boundIssuer the issuer the verifying key belongs to, or null when the key serves any issuer
     * @return the verified token
     */
    VerifiedToken check(Map<String, Object> header, @Nullable Object typ, Map<String, Object> claims, JwsAlgorithm algorithm,
                        @Nullable String keyId, @Nullable String boundIssuer, long now) throws TokenRejectedException {
        // Presence and types first: a registered claim of the wrong type makes the rest meaningless.
        Object exp = claims.get("exp");
        if (exp == null) {
            throw new TokenRejectedException(RejectionReason.MISSING_CLAIM, "the token has no exp claim");
        }
        long expMillis = NumericDate.toMillis(exp);
        if (expMillis == NumericDate.INVALID) {
            throw new TokenRejectedException(RejectionReason.INVALID_CLAIM, "exp is not a NumericDate between 0 and 253402300799");
        }
        long nbfMillis = optionalDate(claims, "nbf");
        long iatMillis = optionalDate(claims, "iat");
        for (String name : STRING_CLAIMS) {
            Object v = claims.get(name);
            if (v != null && !(v instanceof String)) {
                throw new TokenRejectedException(RejectionReason.INVALID_CLAIM, name + " is not a string");
            }
        }
        Object aud = claims.get("aud");
        if (aud != null && !isAudienceShape(aud)) {
            throw new TokenRejectedException(RejectionReason.INVALID_CLAIM, "aud is not a string or an array of strings");
        }

        if (now >= expMillis + skewMillis) {
            throw new TokenRejectedException(RejectionReason.EXPIRED, "the token has expired");
        }
        if (nbfMillis != Long.MIN_VALUE && now + skewMillis < nbfMillis) {
            throw new TokenRejectedException(RejectionReason.NOT_YET_VALID, "the token is not valid yet (nbf)");
        }
        if (iatMillis != Long.MIN_VALUE && iatMillis > now + skewMillis) {
            throw new TokenRejectedException(RejectionReason.ISSUED_IN_FUTURE, "the token was issued in the future (iat)");
        }
        long lifetime = expMillis - (iatMillis != Long.MIN_VALUE ? iatMillis : now);
        if (lifetime > maxLifetimeMillis) {
            throw new TokenRejectedException(RejectionReason.LIFETIME_TOO_LONG, "the token's lifetime exceeds the maximum");
        }

        Object iss = claims.get("iss");
        if (!issuers.isEmpty() || boundIssuer != null) {
            if (iss == null) {
                throw new TokenRejectedException(RejectionReason.MISSING_CLAIM, "the token has no iss claim");
            }
            if (boundIssuer != null ? !boundIssuer.equals(iss) : !issuers.contains(iss)) {
                throw new TokenRejectedException(RejectionReason.ISSUER_MISMATCH, "the token's issuer is not trusted");
            }
        }
        if (!audiences.isEmpty()) {
            if (aud == null) {
                throw new TokenRejectedException(RejectionReason.MISSING_CLAIM, "the token has no aud claim");
            }
            if (!containsAudience(aud)) {
                throw new TokenRejectedException(RejectionReason.AUDIENCE_MISMATCH, "the token is not meant for this audience");
            }
        }
        if (requiredType != null) {
            if (!(typ instanceof String) || !requiredType.equals(normaliseType((String) typ))) {
                throw new TokenRejectedException(RejectionReason.WRONG_TYPE, "the token's typ is not the required type");
            }
        }
        for (String name : requiredClaims) {
            Object v = claims.get(name);
            if (v == null || v == io.nohop.core.internal.json.StrictJson.NULL) {
                throw new TokenRejectedException(RejectionReason.MISSING_CLAIM, "a required claim is missing");
            }
        }
        VerifiedToken token = new VerifiedToken(header, claims, algorithm.name(), keyId, expMillis, iatMillis, nbfMillis);
        for (NamedPredicate p : predicates) {
            boolean ok;
            try {
                ok = p.predicate().test(token);
            } catch (RuntimeException e) {
                // A predicate that throws fails closed.
                ok = false;
            }
            if (!ok) {
                throw new TokenRejectedException(RejectionReason.INVALID_CLAIM, "claim requirement failed: " + p.description());
            }
        }
        return token;
    }

    /**
     * Re-checks a token accepted earlier against a later clock: the time rules and the user
     * predicates (which may depend on state that changed, such as a deny-list). The signature,
     * issuer, audience and type cannot have changed for the same token string and the same key.
     *
     * @return true when the token is still acceptable at {@code now}
     */
    boolean stillValid(VerifiedToken token, long now) {
        if (now >= token.expiresAtMillis() + skewMillis) {
            return false;
        }
        if (token.notBeforeMillis() != Long.MIN_VALUE && now + skewMillis < token.notBeforeMillis()) {
            return false;
        }
        if (token.issuedAtMillis() != Long.MIN_VALUE) {
            if (token.issuedAtMillis() > now + skewMillis) {
                return false;
            }
        } else if (token.expiresAtMillis() - now > maxLifetimeMillis) {
            return false;
        }
        for (NamedPredicate p : predicates) {
            try {
                if (!p.predicate().test(token)) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private static long optionalDate(Map<String, Object> claims, String name) throws TokenRejectedException {
        Object v = claims.get(name);
        if (v == null) {
            return Long.MIN_VALUE;
        }
        long millis = NumericDate.toMillis(v);
        if (millis == NumericDate.INVALID) {
            throw new TokenRejectedException(RejectionReason.INVALID_CLAIM, name + " is not a NumericDate between 0 and 253402300799");
        }
        return millis;
    }

    private static boolean isAudienceShape(Object aud) {
        if (aud instanceof String) {
            return true;
        }
        if (!(aud instanceof List)) {
            return false;
        }
        for (Object o : (List<?>) aud) {
            if (!(o instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsAudience(Object aud) {
        if (aud instanceof String) {
            return audiences.contains(aud);
        }
        for (Object o : (List<?>) aud) {
            if (audiences.contains(o)) {
                return true;
            }
        }
        return false;
    }
}
