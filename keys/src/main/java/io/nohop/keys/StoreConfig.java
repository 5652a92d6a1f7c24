package io.nohop.keys;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A store's settings, fixed when the store is created.
 *
 * <p>Defaults and why:
 * <ul>
 *   <li>algorithm {@code RS256}: on JDK 17 an RS256 check costs ~31 µs against ~850 µs for ES256
 *       and ~460 µs for EdDSA, and verification is the hot path of every service;</li>
 *   <li>max token lifetime T = 1 h: short-lived access tokens, the only revocation most services need;</li>
 *   <li>clock skew S = 60 s, the verifier's default;</li>
 *   <li>refresh bound R = 1 h: the verifier's default refresh ceiling ({@code --max-refresh}), which
 *       also caps its retry backoff;</li>
 *   <li>publish lead L = 24 h: well over 2R, so a verifier that missed several refreshes still holds a
 *       new key before it signs anything;</li>
 *   <li>rotation period = 30 days (used by {@code rotate --if-due});</li>
 *   <li>key-set lifetime = 7 days: {@code exp - iat} of every signed key set. It bounds how long a
 *       frozen or replayed publication can keep a revoked key alive at verifiers that pin the root;
 *       {@code rotate --if-due} re-signs once less than half is left, so with cron every minute a set
 *       is never older than half of it. At least 2R (a verifier must fetch the re-signed set before
 *       the one it holds expires), at most 90 days;</li>
 *   <li>root algorithm ES256: the root signs one small document per change and verifiers check it
 *       once per refresh, so its verification cost does not matter; ES256 keys and signatures are small.</li>
 * </ul>
 */
public final class StoreConfig {

    /** Default signing algorithm. */
    public static final SigningAlgorithm DEFAULT_ALGORITHM = SigningAlgorithm.RS256;
    /** Default T. */
    public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(1);
    /** Default S. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Default R. */
    public static final Duration DEFAULT_REFRESH_BOUND = Duration.ofHours(1);
    /** Default L. */
    public static final Duration DEFAULT_PUBLISH_LEAD = Duration.ofHours(24);
    /** Default rotation period. */
    public static final Duration DEFAULT_ROTATION_PERIOD = Duration.ofDays(30);
    /** Default lifetime of a signed key set ({@code exp - iat}). */
    public static final Duration DEFAULT_KEY_SET_LIFETIME = Duration.ofDays(7);
    /** The longest key-set lifetime accepted: beyond it a frozen publication outlives any sane revocation. */
    public static final Duration MAX_KEY_SET_LIFETIME = Duration.ofDays(90);
    /** Default algorithm of the root key (the key-set signing key). */
    public static final SigningAlgorithm DEFAULT_ROOT_ALGORITHM = SigningAlgorithm.ES256;

    private final SigningAlgorithm algorithm;
    private final Optional<String> issuer;
    private final Duration maxTokenLifetime;
    private final Duration clockSkew;
    private final Duration refreshBound;
    private final Duration publishLead;
    private final Duration rotationPeriod;
    private final Duration keySetLifetime;
    private final SigningAlgorithm rootAlgorithm;

    private StoreConfig(Builder b) {
        this.algorithm = b.algorithm;
        this.issuer = b.issuer;
        this.maxTokenLifetime = b.maxTokenLifetime;
        this.clockSkew = b.clockSkew;
        this.refreshBound = b.refreshBound;
        this.publishLead = b.publishLead;
        this.rotationPeriod = b.rotationPeriod;
        this.keySetLifetime = b.keySetLifetime;
        this.rootAlgorithm = b.rootAlgorithm;
    }

    /**
     * Starts a configuration with every default.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The signing algorithm of every key in the store.
     *
     * @return the algorithm
     */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The {@code iss} claim of issued tokens, if the store has one.
     *
     * @return the issuer
     */
    public Optional<String> issuer() {
        return issuer;
    }

    /**
     * T: the longest token lifetime the issuer mints.
     *
     * @return T
     */
    public Duration maxTokenLifetime() {
        return maxTokenLifetime;
    }

    /**
     * S: the clock skew verifiers allow.
     *
     * @return S
     */
    public Duration clockSkew() {
        return clockSkew;
    }

    /**
     * R: the longest a verifier may go between key-set refreshes.
     *
     * @return R
     */
    public Duration refreshBound() {
        return refreshBound;
    }

    /**
     * L: how long before it signs a new key is published.
     *
     * @return L
     */
    public Duration publishLead() {
        return publishLead;
    }

    /**
     * How often {@code rotate --if-due} rotates: a successor is due to activate this long after the
     * active key activated.
     *
     * @return the rotation period
     */
    public Duration rotationPeriod() {
        return rotationPeriod;
    }

    /**
     * The lifetime of every signed key set: its {@code exp} is its {@code iat} plus this.
     *
     * @return the key-set lifetime
     */
    public Duration keySetLifetime() {
        return keySetLifetime;
    }

    /**
     * The algorithm of the root keys this store creates (at init and when the root is rotated, unless
     * told otherwise).
     *
     * @return the root algorithm
     */
    public SigningAlgorithm rootAlgorithm() {
        return rootAlgorithm;
    }

    /**
     * How long a key stays published after it stops signing: T + S, so every token it signed
     * expires (even on a skewed verifier clock) before it is unpublished.
     *
     * @return T + S
     */
    public Duration retirementGrace() {
        return maxTokenLifetime.plus(clockSkew);
    }

    /**
     * Starts a builder holding this configuration's values.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.algorithm = algorithm;
        b.issuer = issuer;
        b.maxTokenLifetime = maxTokenLifetime;
        b.clockSkew = clockSkew;
        b.refreshBound = refreshBound;
        b.publishLead = publishLead;
        b.rotationPeriod = rotationPeriod;
        b.keySetLifetime = keySetLifetime;
        b.rootAlgorithm = rootAlgorithm;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreConfig c && algorithm == c.algorithm && issuer.equals(c.issuer)
                && maxTokenLifetime.equals(c.maxTokenLifetime) && clockSkew.equals(c.clockSkew)
                && refreshBound.equals(c.refreshBound) && publishLead.equals(c.publishLead)
                && rotationPeriod.equals(c.rotationPeriod) && keySetLifetime.equals(c.keySetLifetime)
                && rootAlgorithm == c.rootAlgorithm;
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, issuer, maxTokenLifetime, clockSkew, refreshBound, publishLead, rotationPeriod,
                keySetLifetime, rootAlgorithm);
    }

    @Override
    public String toString() {
        return "StoreConfig[algorithm=" + algorithm + ", issuer=" + issuer.orElse("-") + ", T=" + maxTokenLifetime
                + ", S=" + clockSkew + ", R=" + refreshBound + ", L=" + publishLead + ", period=" + rotationPeriod
                + ", keySetLifetime=" + keySetLifetime + ", root=" + rootAlgorithm + "]";
    }

    /** Builds a {@link StoreConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private SigningAlgorithm algorithm = DEFAULT_ALGORITHM;
        private Optional<String> issuer = Optional.empty();
        private Duration maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration refreshBound = DEFAULT_REFRESH_BOUND;
        private Duration publishLead = DEFAULT_PUBLISH_LEAD;
        private Duration rotationPeriod = DEFAULT_ROTATION_PERIOD;
        private Duration keySetLifetime = DEFAULT_KEY_SET_LIFETIME;
        private SigningAlgorithm rootAlgorithm = DEFAULT_ROOT_ALGORITHM;

        private Builder() {
        }

        /**
         * Sets the signing algorithm.
         *
         * @param value the algorithm
         * @return this builder
         */
        public Builder algorithm(SigningAlgorithm value) {
            this.algorithm = Objects.requireNonNull(value, "algorithm");
            return this;
        }

        /**
         * Sets the issuer ({@code iss}); it must be an absolute URI.
         *
         * @param value the issuer
         * @return this builder
         * @throws IllegalArgumentException if the value is not an absolute URI
         */
        public Builder issuer(String value) {
            Objects.requireNonNull(value, "issuer");
            try {
                if (value.isBlank() || !new URI(value).isAbsolute()) {
                    throw new IllegalArgumentException("issuer must be an absolute URI: " + value);
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("issuer must be an absolute URI: " + value, e);
            }
            this.issuer = Optional.of(value);
            return this;
        }

        /**
         * Sets T, the longest token lifetime.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder maxTokenLifetime(Duration value) {
            this.maxTokenLifetime = positive("max token lifetime", value);
            return this;
        }

        /**
         * Sets S, the clock skew.
         *
         * @param value zero or a positive duration
         * @return this builder
         */
        public Builder clockSkew(Duration value) {
            Objects.requireNonNull(value, "clockSkew");
            if (value.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative: " + value);
            }
            this.clockSkew = value;
            return this;
        }

        /**
         * Sets R, the verifiers' refresh bound.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder refreshBound(Duration value) {
            this.refreshBound = positive("refresh bound", value);
            return this;
        }

        /**
         * Sets L, the publish lead; {@link SigningKeyStore#create} refuses L &lt; 2R.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder publishLead(Duration value) {
            this.publishLead = positive("publish lead", value);
            return this;
        }

        /**
         * Sets the rotation period.
         *
         * @param value a positive duration, longer than the publish lead
         * @return this builder
         */
        public Builder rotationPeriod(Duration value) {
            this.rotationPeriod = positive("rotation period", value);
            return this;
        }

        /**
         * Sets the lifetime of every signed key set ({@code exp - iat}); {@link #build()} also
         * requires at least twice the refresh bound R.
         *
         * @param value a positive duration of at most {@link #MAX_KEY_SET_LIFETIME} (90 days)
         * @return this builder
         * @throws IllegalArgumentException if the value is not positive or longer than 90 days
         */
        public Builder keySetLifetime(Duration value) {
            positive("key-set lifetime", value);
            if (value.compareTo(MAX_KEY_SET_LIFETIME) > 0) {
                throw new IllegalArgumentException("key-set lifetime must be at most 90 days (a longer one lets a frozen"
                        + " or replayed key set keep a revoked key alive for that long): " + value);
            }
            this.keySetLifetime = value;
            return this;
        }

        /**
         * Sets the algorithm of the root keys the store creates.
         *
         * @param value the algorithm
         * @return this builder
         */
        public Builder rootAlgorithm(SigningAlgorithm value) {
            this.rootAlgorithm = Objects.requireNonNull(value, "rootAlgorithm");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if the rotation period is not longer than the publish lead, or
         *     the key-set lifetime is shorter than twice the refresh bound
         */
        public StoreConfig build() {
            if (rotationPeriod.compareTo(publishLead) <= 0) {
                throw new IllegalArgumentException("rotation period " + rotationPeriod
                        + " must be longer than the publish lead " + publishLead);
            }
            if (keySetLifetime.compareTo(refreshBound.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("key-set lifetime " + keySetLifetime
                        + " must be at least twice the refresh bound " + refreshBound
                        + " (verifiers must fetch a re-signed key set before the one they hold expires)");
            }
            return new StoreConfig(this);
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
