package io.nohop.core;

import io.nohop.core.internal.json.StrictJson;
import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A token whose signature and claims a {@link TokenVerifier} has checked. Immutable and thread-safe.
 * Only the verifier can create one, so holding a {@code VerifiedToken} means the checks passed.
 *
 * <p>Registered claims have typed accessors; any other claim is read with {@link #claim(String, Class)}.
 * {@link #claims()} and {@link #header()} give every claim and header parameter at once, with JSON
 * values mapped to the Java types that Spring Security's {@code NimbusJwtDecoder} puts in its
 * {@code Jwt}, so that framework adapters need no reconstruction:
 * <ul>
 *   <li>a string is a {@link String}, {@code true}/{@code false} a {@link Boolean};</li>
 *   <li>an integer that fits in a {@code long} (no fraction, no exponent) is a {@link Long}; every other
 *       number is a {@link Double}, except one beyond the range of a finite {@code double}, which stays
 *       a {@link BigDecimal} exactly as written;</li>
 *   <li>an array is an unmodifiable {@link List}, an object an unmodifiable {@link Map} in token order;</li>
 *   <li>a member whose value is JSON {@code null} is left out of its map (so {@code get} answers
 *       {@code null} and {@code containsKey} false, as for an absent member); inside an array, where
 *       positions matter, JSON {@code null} is a {@code null} element;</li>
 *   <li>in {@link #claims()} only: {@code exp}, {@code iat} and {@code nbf} are {@link Instant}s (to the
 *       millisecond, as {@link #expiresAt()}; Spring truncates a fractional NumericDate to the second),
 *       and {@code aud} is always a {@code List<String>}, also when the token carried one string.</li>
 * </ul>
 */
public final class VerifiedToken {
    private static final Set<String> NUMERIC_DATE_CLAIMS = Set.of("exp", "iat", "nbf");
    private static final BigDecimal MAX_FINITE_DOUBLE = new BigDecimal(Double.MAX_VALUE);

    private final Map<String, Object> header;
    private final Map<String, Object> claims;
    private final String algorithm;
    private final @Nullable String keyId;
    private final long expiresAtMillis;
    private final long issuedAtMillis;
    private final long notBeforeMillis;
    // Built on first use: most callers read a claim or two, and verify() must not pay for the views.
    private volatile @Nullable Map<String, Object> claimsView;
    private volatile @Nullable Map<String, Object> headerView;

    // Package-private: a verified token is made by the verifier alone.
    VerifiedToken(Map<String, Object> header, Map<String, Object> claims, String algorithm, @Nullable String keyId,
                  long expiresAtMillis, long issuedAtMillis, long notBeforeMillis) {
        this.header = header;
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
     * The OAuth scopes, from the first of the claims {@code scope} and {@code scp} that the token has
     * (JSON {@code null} counts as absent), as Spring Security's {@code JwtGrantedAuthoritiesConverter}
     * reads them: a string is split on spaces (RFC 8693, RFC 9068), an array gives its strings (Spring
     * Authorization Server writes {@code "scope": ["orders.read", "orders.write"]}, Microsoft Entra ID a
     * {@code scp} string). Array elements that are not strings are skipped.
     *
     * @return the scopes, in token order, without duplicates; empty when the token has none
     */
    public Set<String> scopes() {
        Object value = claims.get("scope");
        if (value == null || value == StrictJson.NULL) {
            value = claims.get("scp");
        }
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String) {
            for (String s : ((String) value).split(" ")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        } else if (value instanceof List) {
            for (Object o : (List<?>) value) {
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
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
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

    /**
     * Every claim, read-only, with values mapped as the class description says ({@code exp},
     * {@code iat}, {@code nbf} as {@link Instant}, {@code aud} as a list, numbers as {@link Long} or
     * {@link Double}), in token order. This is what Spring Security's {@code NimbusJwtDecoder} hands to
     * its claim-set converter, so an adapter can build a {@code Jwt} from it directly.
     *
     * @return the claims; unmodifiable at every level, never containing JSON {@code null} members
     */
    public Map<String, Object> claims() {
        Map<String, Object> view = claimsView;
        if (view == null) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : claims.entrySet()) {
                String name = e.getKey();
                Object value = e.getValue();
                if (value == StrictJson.NULL) {
                    continue;
                }
                if (NUMERIC_DATE_CLAIMS.contains(name)) {
                    // Checked by the policy already: a verified token's dates are in range.
                    out.put(name, Instant.ofEpochMilli(millisOf(name)));
                } else if (name.equals("aud")) {
                    out.put(name, audiences());
                } else {
                    out.put(name, view(value));
                }
            }
            view = Collections.unmodifiableMap(out);
            claimsView = view;
        }
        return view;
    }

    /**
     * The JOSE header, read-only, with values mapped as the class description says (so {@code typ},
     * e.g. {@code at+jwt}, is kept as the token gave it), in token order. It comes from the signed
     * part of the token, but parameters nohop does not use (such as {@code jwk}, {@code x5c} or
     * {@code jku}) were never trusted for anything: read them as what the sender wrote.
     *
     * @return the header parameters; unmodifiable at every level, never containing JSON {@code null} members
     */
    public Map<String, Object> header() {
        Map<String, Object> view = headerView;
        if (view == null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> mapped = (Map<String, Object>) view(header);
            view = mapped;
            headerView = view;
        }
        return view;
    }

    private long millisOf(String numericDateClaim) {
        switch (numericDateClaim) {
            case "exp":
                return expiresAtMillis;
            case "iat":
                return issuedAtMillis;
            default:
                return notBeforeMillis;
        }
    }

    /** Maps one parsed JSON value to the types Spring's decoder gives (see the class description). */
    private static Object view(Object value) {
        if (value instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) value;
            // compareTo, never an expansion: 1e999999999 stays cheap (see StrictJson).
            return d.abs().compareTo(MAX_FINITE_DOUBLE) > 0 ? d : (Object) d.doubleValue();
        }
        if (value instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (e.getValue() != StrictJson.NULL) {
                    out.put((String) e.getKey(), view(e.getValue()));
                }
            }
            return Collections.unmodifiableMap(out);
        }
        if (value instanceof List) {
            List<?> in = (List<?>) value;
            Object[] out = new Object[in.size()];
            for (int i = 0; i < out.length; i++) {
                Object element = in.get(i);
                out[i] = element == StrictJson.NULL ? null : view(element);
            }
            return Collections.unmodifiableList(Arrays.asList(out));
        }
        return value;
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
