package io.nohop.testkit;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.testkit.internal.RunningIssuer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A JUnit 5 extension that runs a real nohop issuer on loopback for the tests of a service that
 * embeds nohop-core: a key store in a temporary folder (test-only, low key-derivation work factor),
 * the JWKS endpoint ({@code JwksServer}) serving it, and a {@code TokenIssuer} signing with it.
 * Configure the service under test with {@link #jwksUri()}, {@link #issuer()} and your audience;
 * then send it tokens from {@link #token(TokenSpec)} and {@link #defectiveToken(TokenDefect, TokenSpec)},
 * and change the world around it with {@link #rotate()}, {@link #revoke(String)},
 * {@link #stopEndpoint()}/{@link #startEndpoint()} and {@link #slowEndpoint(Duration)}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static NohopIssuerExtension issuer = NohopIssuerExtension.builder().audience("orders").build();
 *
 * @Test
 * void ordersAcceptsAGenuineToken() throws Exception {
 *     try (TokenVerifier verifier = TokenVerifier.builder()
 *             .jwksUri(issuer.jwksUri()).issuer(issuer.issuer()).audience("orders")
 *             .minRefreshInterval(Duration.ofMillis(100)).maxRefreshInterval(Duration.ofSeconds(1))
 *             .build()) {
 *         verifier.awaitKeys(Duration.ofSeconds(5));
 *         assertEquals("alice", verifier.verify(issuer.token("alice")).subject());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> Registered on a {@code static} field (or with {@code @ExtendWith}), one kit
 * serves every test of the class (and of its {@code @Nested} classes): it starts before the first
 * and stops after the last. Registered on an instance field, each test gets its own kit. Before each
 * test of a shared kit, the endpoint is listening again and answers without delay; keys stay as the
 * previous test left them (rotations and revocations are not undone). Stopping frees everything: the
 * endpoint's port, every thread the kit started (the relay's are waited for; the endpoint's end
 * within moments), and the temporary folder.
 *
 * <p><b>Parameter injection.</b> A test, lifecycle method or constructor parameter of type
 * {@code NohopIssuerExtension} receives the running extension: with
 * {@code @ExtendWith(NohopIssuerExtension.class)} the kit runs with every default. (With two kits
 * registered in one class, use their fields: JUnit refuses a parameter two resolvers claim.)
 *
 * <p><b>How real it is.</b> The service's verifier fetches, caches and refreshes keys exactly as in
 * production (HTTP, {@code Cache-Control: max-age}, ETag and 304), and verifies real signatures.
 * Timings are shrunk: the endpoint sends {@code max-age} {@link #DEFAULT_MAX_AGE}, and a rotation
 * publishes its key {@link #DEFAULT_PUBLISH_LEAD} before it signs; give the verifier under test a
 * {@code minRefreshInterval} below the max-age and a {@code maxRefreshInterval} of at most the max-age,
 * or it will refresh far less often than the kit changes keys. Two differences from a production
 * endpoint: the endpoint listens behind a byte-for-byte relay (which is what can stop, start and
 * delay), and it publishes one key more than the store holds: a test-only key that signs the tokens a
 * nohop issuer never mints ({@link TokenDefect#EXPIRED}, {@link TokenDefect#NOT_YET_VALID},
 * {@link TokenDefect#WRONG_ISSUER}).
 *
 * <p>Thread-safe. Every operation throws {@link IllegalStateException} when the kit is not running
 * (outside the lifecycle above) and names what to do.
 */
public final class NohopIssuerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The store's signing algorithm unless {@link Builder#algorithm(SigningAlgorithm)}: RS256. */
    public static final SigningAlgorithm DEFAULT_ALGORITHM = SigningAlgorithm.RS256;
    /** The audience of tokens whose spec names none, unless {@link Builder#audience(String)}. */
    public static final String DEFAULT_AUDIENCE = "nohop-test";
    /** The {@code Cache-Control: max-age} the endpoint sends unless {@link Builder#maxAge(Duration)}: 1 second. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);
    /** How long before it signs a rotated key is published, unless {@link Builder#publishLead(Duration)}: 3 seconds. */
    public static final Duration DEFAULT_PUBLISH_LEAD = Duration.ofSeconds(3);
    /** The only audience of a {@link TokenDefect#WRONG_AUDIENCE} token. */
    public static final String WRONG_AUDIENCE = "nohop-testkit-wrong-audience";
    /** The {@code iss} of a {@link TokenDefect#WRONG_ISSUER} token ({@code .invalid} is reserved by RFC 6761). */
    public static final String WRONG_ISSUER = "https://wrong-issuer.nohop-testkit.invalid";

    private final RunningIssuer.Settings settings;
    private RunningIssuer running;
    private String startedBy;

    /** An extension with every default; what {@code @ExtendWith(NohopIssuerExtension.class)} creates. */
    public NohopIssuerExtension() {
        this(new Builder());
    }

    private NohopIssuerExtension(Builder b) {
        this.settings = new RunningIssuer.Settings(b.algorithm, b.issuer, b.audience, b.maxAge, b.publishLead, b.clock);
    }

    /**
     * Starts configuring an extension; every setting has a default.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // --- JUnit lifecycle -------------------------------------------------------------------------

    /**
     * Starts the kit for the class, unless it already runs (for an enclosing class).
     *
     * @param context the class's context
     * @throws Exception if the store cannot be created or no loopback port bound
     */
    @Override
    public synchronized void beforeAll(ExtensionContext context) throws Exception {
        if (running == null) {
            running = RunningIssuer.start(settings);
            startedBy = context.getUniqueId();
        }
    }

    /**
     * Starts the kit for this test when it is not shared by the class; otherwise makes the endpoint
     * listen again and answer without delay.
     *
     * @param context the test's context
     * @throws Exception if the kit cannot start, or the endpoint's port was taken while it was stopped
     */
    @Override
    public synchronized void beforeEach(ExtensionContext context) throws Exception {
        if (running == null) {
            running = RunningIssuer.start(settings);
            startedBy = context.getUniqueId();
        } else {
            running.slowEndpoint(Duration.ZERO);
            running.startEndpoint();
        }
    }

    /**
     * Stops the kit if this test started it.
     *
     * @param context the test's context
     */
    @Override
    public synchronized void afterEach(ExtensionContext context) {
        stopIfStartedBy(context);
    }

    /**
     * Stops the kit if this class started it.
     *
     * @param context the class's context
     */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        stopIfStartedBy(context);
    }

    private void stopIfStartedBy(ExtensionContext context) {
        if (running != null && context.getUniqueId().equals(startedBy)) {
            try {
                running.close();
            } finally {
                running = null;
                startedBy = null;
            }
        }
    }

    /**
     * Resolves parameters of type {@code NohopIssuerExtension}.
     *
     * @param parameterContext the parameter
     * @param extensionContext the context
     * @return whether the parameter's type is this class
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == NohopIssuerExtension.class;
    }

    /**
     * Returns this extension for a supported parameter.
     *
     * @param parameterContext the parameter
     * @param extensionContext the context
     * @return this extension
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return this;
    }

    // --- what a test uses ------------------------------------------------------------------------

    /**
     * The JWKS URI to configure the service's verifier with. It stays the same across
     * {@link #stopEndpoint()} and {@link #startEndpoint()}.
     *
     * @return {@code http://127.0.0.1:PORT/.well-known/jwks.json} (loopback, so plain http is allowed)
     * @throws IllegalStateException when the kit is not running
     */
    public synchronized URI jwksUri() {
        return running().jwksUri();
    }

    /**
     * The issuer ({@code iss}) of the kit's tokens, to configure the service's verifier with. Unless
     * {@link Builder#issuer(String)} set one, it is the endpoint's base URL, which also serves
     * {@code /.well-known/openid-configuration}, so {@code discoverIssuer(issuer())} works too.
     *
     * @return the issuer
     * @throws IllegalStateException when the kit is not running
     */
    public synchronized String issuer() {
        return running().issuer();
    }

    /**
     * The audience of tokens whose {@link TokenSpec} names none.
     *
     * @return the audience ({@link #DEFAULT_AUDIENCE} unless {@link Builder#audience(String)})
     */
    public String audience() {
        return settings.audience();
    }

    /**
     * The kid of the store key that signs now.
     *
     * @return the kid
     * @throws IllegalStateException when the kit is not running, or no key signs (after {@link #revoke}
     *     of the signing key)
     */
    public synchronized String activeKid() {
        return running().activeKid();
    }

    /**
     * A genuine token for a subject: the kit's audience, no scopes, lifetime
     * {@link TokenSpec#DEFAULT_LIFETIME}.
     *
     * @param subject the {@code sub} claim
     * @return the compact JWS, signed by the store's signing key
     * @throws IllegalArgumentException if the subject is blank
     * @throws IllegalStateException when the kit is not running or no key signs
     */
    public String token(String subject) {
        return token(TokenSpec.forSubject(subject));
    }

    /**
     * A genuine token, signed by the store's signing key through nohop's {@code TokenIssuer}: header
     * {@code alg}, {@code kid}, {@code typ: at+jwt}; claims {@code iss}, {@code sub}, {@code aud},
     * {@code iat} (now), {@code exp}, {@code jti}, {@code scope} if any, and the spec's claims.
     *
     * @param spec what the token says
     * @return the compact JWS
     * @throws IllegalStateException when the kit is not running or no key signs
     */
    public synchronized String token(TokenSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return running().token(spec);
    }

    /**
     * A token with exactly one defect, otherwise as {@link #token(TokenSpec)} would make it; a verifier
     * configured with this kit rejects it with {@link TokenDefect#expectedRejection()}.
     *
     * @param defect what is wrong
     * @param spec what the token says otherwise
     * @return the compact JWS
     * @throws IllegalStateException when the kit is not running, or (for the defects built on a genuine
     *     token) no key signs
     */
    public synchronized String defectiveToken(TokenDefect defect, TokenSpec spec) {
        Objects.requireNonNull(defect, "defect");
        Objects.requireNonNull(spec, "spec");
        return running().defectiveToken(defect, spec);
    }

    /**
     * A planned rotation, as {@code nohop rotate} does it: the new key is published at once and signs
     * from {@link Builder#publishLead(Duration)} later (store timestamps are whole seconds, so up to
     * one second sooner); the key signing now stops then and stays published until its tokens have
     * expired. A second rotation while one is pending is refused, as in production.
     *
     * @return the new key ({@link KeyRecord#kid()}, and {@link KeyRecord#activateAt()}: when it signs)
     * @throws IllegalStateException when the kit is not running, or the store refuses
     */
    public KeyRecord rotate() {
        return rotate(settings.publishLead());
    }

    /**
     * A rotation with another publish lead. {@code Duration.ZERO} gives a key that signs at once, as an
     * emergency rotation does: verifiers that have not fetched it yet answer {@code unknown_key} until
     * their next refresh. A lead below twice the max-age is forced past the store's safety check.
     *
     * @param publishLead zero or positive
     * @return the new key
     * @throws IllegalArgumentException if the lead is negative
     * @throws IllegalStateException when the kit is not running, or the store refuses
     */
    public synchronized KeyRecord rotate(Duration publishLead) {
        Objects.requireNonNull(publishLead, "publishLead");
        if (publishLead.isNegative()) {
            throw new IllegalArgumentException("publish lead must not be negative: " + publishLead);
        }
        return running().rotate(publishLead);
    }

    /**
     * Revokes a key of the store, as {@code nohop revoke --force} does, and publishes the change at
     * once: verifiers drop the key at their next refresh and then reject its tokens with
     * {@code unknown_key}. Revoking the key that signs now is allowed; until a later
     * {@link #rotate(Duration)} makes a key sign, {@link #token(TokenSpec)} then fails.
     *
     * @param kid a kid of the store (see {@link #activeKid()} or {@link KeyRecord#kid()})
     * @throws IllegalArgumentException if the store has no such key
     * @throws IllegalStateException when the kit is not running
     */
    public synchronized void revoke(String kid) {
        Objects.requireNonNull(kid, "kid");
        running().revoke(kid);
    }

    /**
     * Stops the endpoint: new connections to {@link #jwksUri()} are refused and open ones are cut, as
     * when its process is gone. Does nothing when already stopped.
     *
     * @throws IllegalStateException when the kit is not running
     */
    public synchronized void stopEndpoint() {
        running().stopEndpoint();
    }

    /**
     * Starts the endpoint again on the same port, so the URI the service was configured with works
     * again. Does nothing when it is running.
     *
     * @throws IllegalStateException when the kit is not running
     * @throws java.io.UncheckedIOException if another process took the port meanwhile
     */
    public synchronized void startEndpoint() {
        running().startEndpoint();
    }

    /**
     * Makes the endpoint slow: each response is held back by {@code delay}, counted from when its request
     * arrived, for requests from now on. A delay beyond the verifier's fetch timeout makes each of its
     * refreshes fail with a timeout. {@code Duration.ZERO} makes it answer at once again (as it does
     * before each test).
     *
     * @param delay zero or positive
     * @throws IllegalArgumentException if the delay is negative
     * @throws IllegalStateException when the kit is not running
     */
    public synchronized void slowEndpoint(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        running().slowEndpoint(delay);
    }

    private RunningIssuer running() {
        if (running == null) {
            throw new IllegalStateException("the nohop test issuer is not running: register it with @RegisterExtension"
                    + " (a static field for one issuer per class) or @ExtendWith, and use it from a test or a"
                    + " @BeforeAll/@BeforeEach method");
        }
        return running;
    }

    @Override
    public synchronized String toString() {
        return "NohopIssuerExtension[" + (running == null ? "not running" : running.jwksUri()) + "]";
    }

    /** Configures a {@link NohopIssuerExtension}; each setter checks its value at once. */
    public static final class Builder {
        private static final Duration MAX_DURATION = Duration.ofDays(1);
        private SigningAlgorithm algorithm = DEFAULT_ALGORITHM;
        private Optional<String> issuer = Optional.empty();
        private String audience = DEFAULT_AUDIENCE;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private Duration publishLead = DEFAULT_PUBLISH_LEAD;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Sets what the kit reads as now (default {@link Clock#systemUTC()}): the {@code iat} and
         * {@code exp} of its tokens, which key signs, and what the endpoint publishes. Give it the clock
         * the service's verifier uses when that is not the system clock.
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets the store's signing algorithm (default {@link #DEFAULT_ALGORITHM}).
         *
         * @param value RS256, PS256, ES256 or EdDSA
         * @return this builder
         */
        public Builder algorithm(SigningAlgorithm value) {
            this.algorithm = Objects.requireNonNull(value, "algorithm");
            return this;
        }

        /**
         * Sets the {@code iss} of the kit's tokens (default: the endpoint's base URL,
         * {@code http://127.0.0.1:PORT}, known once the kit runs).
         *
         * @param value an absolute URI, such as {@code https://auth.example}
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
         * Sets the audience of tokens whose spec names none (default {@link #DEFAULT_AUDIENCE}).
         *
         * @param value not blank, not {@link #WRONG_AUDIENCE}
         * @return this builder
         * @throws IllegalArgumentException if blank or the wrong-audience value
         */
        public Builder audience(String value) {
            Objects.requireNonNull(value, "audience");
            if (value.isBlank() || value.equals(WRONG_AUDIENCE)) {
                throw new IllegalArgumentException("audience must not be blank nor " + WRONG_AUDIENCE + ": '" + value + "'");
            }
            this.audience = value;
            return this;
        }

        /**
         * Sets the {@code Cache-Control: max-age} the endpoint sends (default {@link #DEFAULT_MAX_AGE}).
         * It is also the store's refresh bound R, so {@link #publishLead(Duration)} must be at least twice it.
         *
         * @param value whole seconds, 1 second to 1 day
         * @return this builder
         * @throws IllegalArgumentException if out of range or not whole seconds
         */
        public Builder maxAge(Duration value) {
            this.maxAge = wholeSeconds("maxAge", value, Duration.ofSeconds(1));
            return this;
        }

        /**
         * Sets how long before it signs a key from {@link NohopIssuerExtension#rotate()} is published
         * (default {@link #DEFAULT_PUBLISH_LEAD}).
         *
         * @param value whole seconds, 1 second to 1 day, at least twice the max-age (checked by {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if out of range or not whole seconds
         */
        public Builder publishLead(Duration value) {
            this.publishLead = wholeSeconds("publishLead", value, Duration.ofSeconds(1));
            return this;
        }

        /**
         * Builds the extension; nothing runs until JUnit starts it.
         *
         * @return the extension
         * @throws IllegalArgumentException if the publish lead is shorter than twice the max-age
         *     (a verifier refreshing at the max-age could meet a token before it holds the key)
         */
        public NohopIssuerExtension build() {
            if (publishLead.compareTo(maxAge.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("publishLead " + publishLead + " must be at least twice maxAge "
                        + maxAge + " (a rotation would otherwise outrun the verifiers' refreshes)");
            }
            return new NohopIssuerExtension(this);
        }

        private static Duration wholeSeconds(String what, Duration value, Duration min) {
            Objects.requireNonNull(value, what);
            if (value.compareTo(min) < 0 || value.compareTo(MAX_DURATION) > 0 || value.getNano() != 0) {
                throw new IllegalArgumentException(what + " must be whole seconds from " + min + " to " + MAX_DURATION
                        + ": " + value);
            }
            return value;
        }
    }
}
