package io.nohop.spring.security;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Spring Security {@link JwtDecoder} backed by a nohop {@link TokenVerifier}: tokens are verified in
 * memory against keys the verifier refreshes in the background, so no request waits on the key endpoint.
 *
 * <p>The returned {@link Jwt} has the headers and claims Spring's own {@code NimbusJwtDecoder} gives for
 * the same token: the verifier's {@link VerifiedToken#header()} and {@link VerifiedToken#claims()},
 * passed through Spring's default {@link MappedJwtClaimSetConverter} ({@code exp}/{@code iat}/{@code nbf}
 * as {@code Instant}, {@code aud} as a list, {@code iss} as a string; {@code iat} set to {@code exp - 1 s}
 * when absent, and a JSON-null claim present with a null value, as Spring does; inside nested objects
 * JSON-null members are left out, where Spring keeps them as null). A {@code scope} or {@code scp} claim, string or array, therefore becomes
 * {@code SCOPE_} authorities through Spring's usual {@code JwtAuthenticationConverter}.
 *
 * <p>Rejections:
 * <ul>
 *   <li>every rejection but {@code keys_unavailable} throws {@link TokenRejectedJwtException} (a
 *       {@code BadJwtException}): Spring answers 401 {@code invalid_token} with the rejection code as
 *       {@code error_description};</li>
 *   <li>{@code keys_unavailable} throws {@link KeysUnavailableJwtException} (not a bad token): with
 *       {@link io.nohop.spring.web.KeysUnavailableFilter} in front of Spring Security (the
 *       auto-configuration installs it) the answer is 503 with {@code Retry-After};</li>
 *   <li>a token the verifier accepted but the optional extra validator refuses throws Spring's
 *       {@link JwtValidationException} with the validator's errors, as {@code NimbusJwtDecoder} does.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. It does not own the verifier: whoever built it closes it.
 */
public final class NohopJwtDecoder implements JwtDecoder {
    private static final OAuth2TokenValidator<Jwt> NO_EXTRA_VALIDATION = jwt -> OAuth2TokenValidatorResult.success();

    private final TokenVerifier verifier;
    private final Converter<Map<String, Object>, Map<String, Object>> claimSetConverter;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Duration retryAfter;

    /**
     * A decoder with Spring's default claim conversion, no validation beyond the verifier's, and
     * {@code Retry-After} {@link KeysUnavailableJwtException#DEFAULT_RETRY_AFTER}.
     *
     * @param verifier the verifier; its policy (issuers, audiences, algorithms, lifetimes) is what is checked
     */
    public NohopJwtDecoder(TokenVerifier verifier) {
        this(verifier, MappedJwtClaimSetConverter.withDefaults(Map.of()), NO_EXTRA_VALIDATION,
                KeysUnavailableJwtException.DEFAULT_RETRY_AFTER);
    }

    /**
     * A decoder with its claim conversion, an extra validator and the 503's {@code Retry-After} chosen.
     *
     * @param verifier the verifier
     * @param claimSetConverter turns {@link VerifiedToken#claims()} into the {@code Jwt}'s claims, as
     *     {@code NimbusJwtDecoder.setClaimSetConverter} does; e.g. {@code MappedJwtClaimSetConverter.withDefaults(Map.of())}
     * @param validator checked after the verifier accepted the token (extra rules only: the verifier
     *     already checked signature, time, issuer and audience); e.g. the application's
     *     {@code OAuth2TokenValidator<Jwt>} beans
     * @param retryAfter the wait asked of clients when keys are unavailable; at least 1 s
     * @throws IllegalArgumentException if retryAfter is under 1 s
     */
    public NohopJwtDecoder(TokenVerifier verifier, Converter<Map<String, Object>, Map<String, Object>> claimSetConverter,
                           OAuth2TokenValidator<Jwt> validator, Duration retryAfter) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.claimSetConverter = Objects.requireNonNull(claimSetConverter, "claimSetConverter");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("retryAfter must be at least 1 s: " + retryAfter);
        }
    }

    /**
     * Verifies the token in memory and returns it as Spring's {@link Jwt}.
     *
     * @param token the compact JWS, without a {@code Bearer } prefix
     * @return the verified token
     * @throws TokenRejectedJwtException when the verifier rejects the token (401)
     * @throws KeysUnavailableJwtException when the verifier has no usable keys (503)
     * @throws JwtValidationException when the extra validator refuses the token (401)
     */
    @Override
    public Jwt decode(String token) throws JwtException {
        VerifiedToken verified;
        try {
            verified = verifier.verify(Objects.requireNonNull(token, "token"));
        } catch (TokenRejectedException e) {
            if (e.reason().isKeyAvailabilityProblem()) {
                throw new KeysUnavailableJwtException(e, retryAfter);
            }
            throw new TokenRejectedJwtException(e);
        }
        Map<String, Object> claims = claimSetConverter.convert(withNullClaims(verified));
        Jwt jwt = Jwt.withTokenValue(token)
                .headers(h -> h.putAll(verified.header()))
                .claims(c -> c.putAll(claims))
                .build();
        OAuth2TokenValidatorResult result = validator.validate(jwt);
        if (result.hasErrors()) {
            Collection<OAuth2Error> errors = result.getErrors();
            throw new JwtValidationException(firstDescription(errors), errors);
        }
        return jwt;
    }

    /**
     * {@link VerifiedToken#claims()} leaves JSON-null claims out; Spring's decoder keeps their names
     * with a null value (so {@code Jwt.hasClaim} is true for them): put them back, at the top level.
     */
    private static Map<String, Object> withNullClaims(VerifiedToken verified) {
        Map<String, Object> claims = verified.claims();
        if (claims.size() == verified.claimNames().size()) {
            return claims;
        }
        Map<String, Object> out = new LinkedHashMap<>(claims);
        for (String name : verified.claimNames()) {
            out.putIfAbsent(name, null);
        }
        return out;
    }

    private static String firstDescription(Collection<OAuth2Error> errors) {
        for (OAuth2Error error : errors) {
            if (error.getDescription() != null && !error.getDescription().isEmpty()) {
                return error.getDescription();
            }
        }
        return "Unable to validate Jwt";
    }
}
