package io.nohop.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a test token says: subject, audiences, scopes, other claims and lifetime. Immutable; every
 * {@code with…} method checks its value at once (the message names it) and returns a new spec.
 *
 * <pre>{@code
 * TokenSpec alice = TokenSpec.forSubject("alice")
 *         .withScopes("orders:read", "orders:write")
 *         .withClaim("tenant", "acme")
 *         .withLifetime(Duration.ofMinutes(10));
 * }</pre>
 *
 * <p>Defaults: no audiences (the kit then uses its own audience, {@link NohopIssuerExtension#audience()}),
 * no scopes (no {@code scope} claim), no other claims, lifetime {@link #DEFAULT_LIFETIME}. The kit sets
 * {@code iss}, {@code iat}, {@code exp} and {@code jti} itself, and the header {@code typ: at+jwt}
 * (RFC 9068), as nohop's {@code TokenIssuer} does.
 */
public final class TokenSpec {

    /** Lifetime ({@code exp - iat}) unless {@link #withLifetime(Duration)} says otherwise: 5 minutes. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    /** The longest lifetime a spec may ask for: 24 hours, the verifier's default maximum. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);

    /**
     * Claims a spec cannot set: the kit sets the registered ones itself, and {@code scope} comes from
     * {@link #withScopes(String...)}.
     */
    public static final Set<String> RESERVED_CLAIMS = Set.of("iss", "sub", "aud", "iat", "exp", "nbf", "jti", "scope");

    private final String subject;
    private final List<String> audiences;
    private final List<String> scopes;
    private final Map<String, Object> claims;
    private final Duration lifetime;

    private TokenSpec(String subject, List<String> audiences, List<String> scopes, Map<String, Object> claims,
                      Duration lifetime) {
        this.subject = subject;
        this.audiences = audiences;
        this.scopes = scopes;
        this.claims = claims;
        this.lifetime = lifetime;
    }

    /**
     * A spec for a subject, with every other value at its default.
     *
     * @param subject the {@code sub} claim; not blank
     * @return the spec
     * @throws IllegalArgumentException if the subject is blank
     */
    public static TokenSpec forSubject(String subject) {
        return new TokenSpec(nonBlank("subject", subject), List.of(), List.of(), Map.of(), DEFAULT_LIFETIME);
    }

    /**
     * The same spec with these audiences in {@code aud} (a string for one, an array for several),
     * replacing any set before.
     *
     * @param audiences at least one, none blank
     * @return a new spec
     * @throws IllegalArgumentException if none is given or one is blank
     */
    public TokenSpec withAudiences(String... audiences) {
        Objects.requireNonNull(audiences, "audiences");
        if (audiences.length == 0) {
            throw new IllegalArgumentException("at least one audience is needed; to use the kit's audience, do not call withAudiences");
        }
        List<String> copy = new ArrayList<>();
        for (String a : audiences) {
            copy.add(nonBlank("audience", a));
        }
        return new TokenSpec(subject, List.copyOf(copy), scopes, claims, lifetime);
    }

    /**
     * The same spec with these scopes, written space-separated into the {@code scope} claim (RFC 9068 §2.2.3),
     * replacing any set before.
     *
     * @param scopes scope tokens: not blank, no spaces
     * @return a new spec
     * @throws IllegalArgumentException if a scope is blank or contains whitespace
     */
    public TokenSpec withScopes(String... scopes) {
        Objects.requireNonNull(scopes, "scopes");
        List<String> copy = new ArrayList<>();
        for (String s : scopes) {
            nonBlank("scope", s);
            if (s.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a scope must not contain whitespace: '" + s + "'");
            }
            copy.add(s);
        }
        return new TokenSpec(subject, audiences, List.copyOf(copy), claims, lifetime);
    }

    /**
     * The same spec with one more claim (replacing a claim of that name).
     *
     * @param name a claim name, not one of {@link #RESERVED_CLAIMS}
     * @param value a JSON value: {@code String}, {@code Boolean}, a finite {@code Number}, a {@code List}
     *     of JSON values, or a {@code Map} with {@code String} keys and JSON values; copied
     * @return a new spec
     * @throws IllegalArgumentException if the name is blank or reserved, or the value is not a JSON value
     */
    public TokenSpec withClaim(String name, Object value) {
        nonBlank("claim name", name);
        if (RESERVED_CLAIMS.contains(name)) {
            throw new IllegalArgumentException("claim " + name + " is set by the kit"
                    + ("scope".equals(name) ? " from withScopes(...)" : "") + " and cannot be given");
        }
        Map<String, Object> copy = new LinkedHashMap<>(claims);
        copy.put(name, jsonValue(name, value));
        return new TokenSpec(subject, audiences, scopes, Collections.unmodifiableMap(copy), lifetime);
    }

    /**
     * The same spec with another lifetime ({@code exp - iat}).
     *
     * @param lifetime whole seconds, from 1 second to {@link #MAX_LIFETIME}
     * @return a new spec
     * @throws IllegalArgumentException if out of range or not whole seconds
     */
    public TokenSpec withLifetime(Duration lifetime) {
        Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0
                || lifetime.getNano() != 0) {
            throw new IllegalArgumentException("lifetime must be whole seconds from 1s to " + MAX_LIFETIME + ": " + lifetime);
        }
        return new TokenSpec(subject, audiences, scopes, claims, lifetime);
    }

    /**
     * The {@code sub} claim.
     *
     * @return the subject
     */
    public String subject() {
        return subject;
    }

    /**
     * The audiences for {@code aud}; empty means the kit's audience.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<String> audiences() {
        return audiences;
    }

    /**
     * The scopes for the {@code scope} claim; empty means no {@code scope} claim.
     *
     * @return an unmodifiable list, possibly empty
     */
    public List<String> scopes() {
        return scopes;
    }

    /**
     * The other claims, in the order they were added.
     *
     * @return an unmodifiable map, possibly empty
     */
    public Map<String, Object> claims() {
        return claims;
    }

    /**
     * The lifetime, {@code exp - iat}.
     *
     * @return the lifetime
     */
    public Duration lifetime() {
        return lifetime;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenSpec t && subject.equals(t.subject) && audiences.equals(t.audiences)
                && scopes.equals(t.scopes) && claims.equals(t.claims) && lifetime.equals(t.lifetime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, audiences, scopes, claims, lifetime);
    }

    @Override
    public String toString() {
        return "TokenSpec[sub=" + subject + ", aud=" + (audiences.isEmpty() ? "(the kit's)" : audiences)
                + ", scopes=" + scopes + ", claims=" + claims.keySet() + ", lifetime=" + lifetime + "]";
    }

    private static String nonBlank(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
        }
        return value;
    }

    /** A deep, unmodifiable copy of a JSON value; anything else is refused with the claim's name. */
    private static Object jsonValue(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("claim " + name + ": null is not accepted (leave the claim out)");
        }
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number n) {
            if ((n instanceof Double d && !Double.isFinite(d)) || (n instanceof Float f && !Float.isFinite(f))) {
                throw new IllegalArgumentException("claim " + name + ": not a finite number: " + n);
            }
            return n;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(jsonValue(name, element));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("claim " + name + ": object keys must be strings: " + e.getKey());
                }
                copy.put(key, jsonValue(name, e.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        throw new IllegalArgumentException("claim " + name + ": not a JSON value (String, Boolean, Number, List, Map): "
                + value.getClass().getName());
    }
}
