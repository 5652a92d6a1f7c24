package io.nohop.core;

import io.nohop.core.internal.json.StrictJson;
import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * A token whose signature and claims a {@link TokenVerifier} has checked. Immutable and thread-safe.
 * Only the verifier can create one, so holding a {@code VerifiedToken} means the checks passed.
 *
 * <p>Registered claims have typed accessors; any other claim is read with {@link #claim(String, Class)}.
 */
public final class VerifiedToken {
    private final Map<String, Object> claims;
    private final String algorithm;
    private final @Nullable String keyId;
    private final long expiresAtMillis;
    private final long issuedAtMillis;
    private final long notBeforeMillis;

    // Package-private: a verified token is made by the verifier alone.
    VerifiedToken(Map<String, Object> claims, String algorithm, @Nullable String keyId, long expiresAtMillis,
                  long issuedAtMillis, long notBeforeMillis) {
        this.claims = claims;
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.expiresAtMillis = expiresAtMillis;
        this.issuedAtMillis = issuedAtMillis;
        this.notBeforeMillis = notBeforeMillis;
    }

    /**
     * The {@code sub} claim.
     *
     * @return the subject
     * @throws NoSuchElementException when the token has no {@code sub}; check {@link #hasSubject()} first,
     *     or make it required with {@code TokenVerifier.Builder.requireClaims("sub")}
     */
    public String subject() {
        return requiredString("sub");
    }

    /**
     * Returns true when the token has a {@code sub} claim.
     *
     * @return true when the token has a {@code sub} claim
     */
    public boolean hasSubject() {
        return claims.get("sub") instanceof String;
    }

    /**
     * The {@code iss} claim.
     *
     * @return the issuer, or empty when the token has none (possible only with {@code allowAnyIssuer()})
     */
    public Optional<String> issuer() {
        return optionalString("iss");
    }

    /**
     * The {@code aud} claim as a list, whether the token carried a string or an array.
     *
     * @return the audiences; empty when the token has none
     */
    public List<String> audiences() {
        Object aud = claims.get("aud");
        if (aud instanceof String) {
            return List.of((String) aud);
        }
        if (aud instanceof List) {
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) aud) {
                out.add((String) o);
            }
            return Collections.unmodifiableList(out);
        }
        return List.of();
    }

    /**
     * Returns the {@code exp} claim (always present in a verified token), to the millisecond.
     *
     * @return the {@code exp} claim (always present in a verified token), to the millisecond
     */
    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    /**
     * Returns the {@code iat} claim, to the millisecond, or empty.
     *
     * @return the {@code iat} claim, to the millisecond, or empty
     */
    public Optional<Instant> issuedAt() {
        return issuedAtMillis == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(issuedAtMillis));
    }

    /**
     * Returns the {@code nbf} claim, to the millisecond, or empty.
     *
     * @return the {@code nbf} claim, to the millisecond, or empty
     */
    public Optional<Instant> notBefore() {
        return notBeforeMillis == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(notBeforeMillis));
    }

    /**
     * Returns the {@code jti} claim, or empty.
     *
     * @return the {@code jti} claim, or empty
     */
    public Optional<String> id() {
        return optionalString("jti");
    }

    /**
     * The OAuth scopes: the space-separated {@code scope} string (RFC 8693, RFC 9068), or else a
     * {@code scp} array of strings.
     *
     * @return the scopes, in token order; empty when the token has none
     */
    public Set<String> scopes() {
        Set<String> out = new LinkedHashSet<>();
        Object scope = claims.get("scope");
        if (scope instanceof String) {
            for (String s : ((String) scope).split(" ")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        } else if (claims.get("scp") instanceof List) {
            for (Object o : (List<?>) claims.get("scp")) {
                if (o instanceof String) {
                    out.add((String) o);
                }
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * The kid of the key that verified this token, for audit; the token itself may have named none.
     *
     * @return the key's kid, or empty when the key has no kid
     */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    // For the listener, per request: the kid without an Optional to allocate.
    String keyIdOrEmpty() {
        return keyId == null ? "" : keyId;
    }

    /**
     * Returns the JWS algorithm that signed the token, e.g. {@code RS256}.
     *
     * @return the JWS algorithm that signed the token, e.g. {@code RS256}
     */
    public String algorithm() {
        return algorithm;
    }

    /**
     * Returns the names of every claim, in token order.
     *
     * @return the names of every claim, in token order
     */
    public Set<String> claimNames() {
        return claims.keySet();
    }

    /**
     * Reads a claim as a Java type: {@code String}, {@code Boolean}, {@code Long} (an integer that fits),
     * {@code Double} or {@code Number} (any number), {@code List} (a JSON array) or {@code Map} (a JSON object).
     * Containers hold the same types; a JSON null inside a container is an opaque marker object whose
     * {@code toString()} is {@code "null"}. For nested structures, {@link #claimsJson()} may be simpler.
     *
     * @param name the claim name
     * @param type the expected type
     * @param <T> the expected type
     * @return the value, or empty when the claim is absent or JSON null
     * @throws IllegalArgumentException when the claim is present with another type
     */
    public <T> Optional<T> claim(String name, Class<T> type) {
        Object value = claims.get(name);
        if (value == null || value == StrictJson.NULL) {
            return Optional.empty();
        }
        if (type.isInstance(value)) {
            return Optional.of(type.cast(value));
        }
        if (type == Double.class && value instanceof Number) {
            return Optional.of(type.cast(((Number) value).doubleValue()));
        }
        if (type == Long.class && value instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) value;
            if (d.scale() <= 0 && d.precision() - d.scale() <= 19) {
                try {
                    return Optional.of(type.cast(d.longValueExact()));
                } catch (ArithmeticException tooBig) {
                    // Falls through to the type error below.
                }
            }
        }
        throw new IllegalArgumentException("claim '" + name + "' is a " + jsonType(value) + ", not " + type.getSimpleName());
    }

    /**
     * Every claim as compact JSON on one line, exactly as verified (member order kept).
     *
     * @return the claims set as JSON
     */
    public String claimsJson() {
        return StrictJson.writeCompact(claims);
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    long issuedAtMillis() {
        return issuedAtMillis;
    }

    long notBeforeMillis() {
        return notBeforeMillis;
    }

    private String requiredString(String name) {
        Object v = claims.get(name);
        if (v instanceof String) {
            return (String) v;
        }
        throw new NoSuchElementException("token has no '" + name + "' claim");
    }

    private Optional<String> optionalString(String name) {
        Object v = claims.get(name);
        return v instanceof String ? Optional.of((String) v) : Optional.empty();
    }

    private static String jsonType(Object value) {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof List) {
            return "array";
        }
        return "object";
    }

    @Override
    public String toString() {
        // No claim values: tokens end up in logs, and claims can be personal data.
        return "VerifiedToken[alg=" + algorithm + ", kid=" + keyId + ", exp=" + expiresAt() + "]";
    }
}
