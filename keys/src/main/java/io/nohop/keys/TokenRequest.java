package io.nohop.keys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The claims of a token to issue; immutable, built with {@link #builder()}. */
public final class TokenRequest {

    /** Default token lifetime. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    /** Claims the issuer sets itself ({@code sub} and {@code aud} have their own builder methods). */
    public static final Set<String> RESERVED_CLAIMS = Set.of("iss", "sub", "aud", "iat", "exp", "nbf", "jti");

    private final Optional<String> subject;
    private final List<String> audiences;
    private final Duration ttl;
    private final Map<String, Object> claims;

    private TokenRequest(Builder b) {
        this.subject = b.subject;
        this.audiences = List.copyOf(b.audiences);
        this.ttl = b.ttl;
        this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(b.claims));
    }

    /**
     * Starts a request with the default lifetime and no claims.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The {@code sub} claim.
     *
     * @return the subject, if set
     */
    public Optional<String> subject() {
        return subject;
    }

    /**
     * The {@code aud} claim (a string when there is one, an array when several).
     *
     * @return the audiences, possibly empty
     */
    public List<String> audiences() {
        return audiences;
    }

    /**
     * The lifetime: {@code exp - iat}.
     *
     * @return the lifetime
     */
    public Duration ttl() {
        return ttl;
    }

    /**
     * The other claims, in insertion order.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> claims() {
        return claims;
    }

    /** Builds a {@link TokenRequest}; every setter validates its argument at once. */
    public static final class Builder {
        private Optional<String> subject = Optional.empty();
        private final List<String> audiences = new ArrayList<>();
        private Duration ttl = DEFAULT_TTL;
        private final Map<String, Object> claims = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets {@code sub}.
         *
         * @param value a non-blank subject
         * @return this builder
         */
        public Builder subject(String value) {
            this.subject = Optional.of(nonBlank("subject", value));
            return this;
        }

        /**
         * Adds an audience to {@code aud}.
         *
         * @param value a non-blank audience
         * @return this builder
         */
        public Builder audience(String value) {
            audiences.add(nonBlank("audience", value));
            return this;
        }

        /**
         * Sets the lifetime; the issuer refuses one longer than the store's T.
         *
         * @param value at least one second, whole seconds
         * @return this builder
         */
        public Builder ttl(Duration value) {
            Objects.requireNonNull(value, "ttl");
            if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.getNano() != 0) {
                throw new IllegalArgumentException("ttl must be a whole number of seconds, at least 1s: " + value);
            }
            this.ttl = value;
            return this;
        }

        /**
         * Adds a claim.
         *
         * @param name a claim name other than the reserved ones
         * @param value a string, number, boolean, list or map (JSON values)
         * @return this builder
         */
        public Builder claim(String name, Object value) {
            nonBlank("claim name", name);
            Objects.requireNonNull(value, "claim value of " + name);
            if (RESERVED_CLAIMS.contains(name)) {
                throw new IllegalArgumentException("claim " + name + " is set by the issuer and cannot be given");
            }
            claims.put(name, value);
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public TokenRequest build() {
            return new TokenRequest(this);
        }

        private static String nonBlank(String what, String value) {
            Objects.requireNonNull(value, what);
            if (value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
            }
            return value;
        }
    }
}
