package io.nohop.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code nohop.*} properties: one per {@code TokenVerifier.Builder} setting, read by
 * {@link NohopAutoConfiguration}. Every setting left out keeps the builder's default (documented on
 * {@code TokenVerifier.Builder}); the builder checks every value at start-up and refuses settings that
 * contradict each other, so a wrong property stops the application with a message naming it.
 *
 * <p>(Spring Boot's configuration processor takes a component's description from the first {@code @param} line
 * whose name starts with the component's: {@code issuer} is therefore documented before {@code issuerUri}.)
 *
 * <p>The three that make a resource server: {@code nohop.issuer-uri} (or {@code nohop.jwks-uri} with
 * {@code nohop.issuer}) and {@code nohop.audience}.
 *
 * @param jwksUri A JWKS endpoint, fetched and refreshed in the background; https, or plain http to a
 *     loopback address. Give it, or issuer-uri, or both.
 * @param issuer Accepted iss values, compared exactly (with jwks-uri); one of issuer, issuer-uri or
 *     allow-any-issuer is required.
 * @param issuerUri An OpenID Connect issuer: its jwks_uri is discovered from
 *     issuer-uri/.well-known/openid-configuration, and its keys vouch only for tokens whose iss is
 *     exactly this value (which is thereby trusted).
 * @param allowAnyIssuer Accept tokens of any issuer: only for a key endpoint that serves one issuer alone.
 * @param audience Accepted aud values: a token's aud (string or array) must contain one of them; this
 *     or allow-any-audience is required.
 * @param allowAnyAudience Accept tokens for any audience (a token meant for another service works here too).
 * @param algorithms The JWS algorithms accepted (default: RS256/384/512, PS256/384/512, ES256/384/512,
 *     EdDSA); none and HS* are never accepted.
 * @param requiredType The typ header every token must have, e.g. at+jwt (RFC 9068); compared
 *     case-insensitively with an optional application/ prefix; not checked when unset.
 * @param requiredClaims Claims every token must have (missing_claim otherwise).
 * @param maxTokenBytes Size cap in bytes, checked before any parsing (default 8192).
 * @param clockSkew Tolerance for exp, nbf and iat (default 60s, at most 10m).
 * @param maxLifetime Longest accepted exp - iat, or exp - now without iat (default 24h).
 * @param minRefreshInterval Floor of the refresh interval and minimum gap between refreshes that
 *     unknown kids trigger (default 30s).
 * @param defaultRefreshInterval Freshness of a key set whose response has no Cache-Control max-age
 *     (default 5m).
 * @param maxRefreshInterval Ceiling of the refresh interval and of the retry backoff (default 1h).
 * @param maxStaleness How long the last good keys are served without a successful refresh; past it
 *     every token gets keys_unavailable (503) (default 24h).
 * @param initialRetryDelay First retry after a failed fetch; doubles per failure with jitter (default 1s).
 * @param negativeKidTtl How long a kid that a refresh did not find is remembered as absent (default 1m).
 * @param connectTimeout Connect timeout of a key-set fetch (default 5s).
 * @param fetchTimeout Total time of one key-set fetch (default 10s).
 * @param maxJwksBytes Largest accepted key-set response in bytes (default 262144).
 * @param cacheFile Last-known-good key set file: written on every accepted key set, served at start-up
 *     when confirmed within max-staleness, so the service restarts during a key-endpoint outage.
 * @param waitForUnknownKid How long a token with an unknown kid may wait for a key-set fetch already
 *     under way (one in flight, or the one its kid just triggered), so that an issuer signing with a key
 *     the moment it publishes it is accepted at the first token (default 1s, or fetch-timeout when shorter;
 *     0 never waits; at most 10s and fetch-timeout). Rate-limited and recently looked-for kids never wait.
 *     Unless it is 0, the WebFlux decoder verifies on Schedulers.boundedElastic(), off the event loop.
 * @param resultCache How many accepted tokens to remember by exact string (default 0: off).
 * @param retryAfter The Retry-After of the 503 sent when keys are unavailable (default 5s, at least 1s).
 * @param instanceName The name this service gives itself on every key-set fetch (the Nohop-Instance
 *     header), shown by the key endpoint's admin listener and nohop status: for example the service and
 *     pod, such as ${spring.application.name}-${HOSTNAME}. 1 to 64 visible ASCII characters, sent in clear:
 *     never a secret. Default: a random name per verifier.
 * @param unsafeAllowPlainHttp Allow plain http to hosts other than loopback: anyone on the path could
 *     substitute keys.
 */
@ConfigurationProperties(prefix = "nohop")
public record NohopProperties(
        URI jwksUri,
        String issuerUri,
        List<String> issuer,
        boolean allowAnyIssuer,
        List<String> audience,
        boolean allowAnyAudience,
        List<String> algorithms,
        String requiredType,
        List<String> requiredClaims,
        Integer maxTokenBytes,
        Duration clockSkew,
        Duration maxLifetime,
        Duration minRefreshInterval,
        Duration defaultRefreshInterval,
        Duration maxRefreshInterval,
        Duration maxStaleness,
        Duration initialRetryDelay,
        Duration negativeKidTtl,
        Duration connectTimeout,
        Duration fetchTimeout,
        Integer maxJwksBytes,
        Path cacheFile,
        Duration waitForUnknownKid,
        Integer resultCache,
        Duration retryAfter,
        String instanceName,
        boolean unsafeAllowPlainHttp) {

    /**
     * Replaces absent lists with empty ones.
     *
     * @param jwksUri see the class description
     * @param issuerUri see the class description
     * @param issuer see the class description
     * @param allowAnyIssuer see the class description
     * @param audience see the class description
     * @param allowAnyAudience see the class description
     * @param algorithms see the class description
     * @param requiredType see the class description
     * @param requiredClaims see the class description
     * @param maxTokenBytes see the class description
     * @param clockSkew see the class description
     * @param maxLifetime see the class description
     * @param minRefreshInterval see the class description
     * @param defaultRefreshInterval see the class description
     * @param maxRefreshInterval see the class description
     * @param maxStaleness see the class description
     * @param initialRetryDelay see the class description
     * @param negativeKidTtl see the class description
     * @param connectTimeout see the class description
     * @param fetchTimeout see the class description
     * @param maxJwksBytes see the class description
     * @param cacheFile see the class description
     * @param waitForUnknownKid see the class description
     * @param resultCache see the class description
     * @param retryAfter see the class description
     * @param instanceName see the class description
     * @param unsafeAllowPlainHttp see the class description
     */
    public NohopProperties {
        issuer = issuer == null ? List.of() : List.copyOf(issuer);
        audience = audience == null ? List.of() : List.copyOf(audience);
        algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
        requiredClaims = requiredClaims == null ? List.of() : List.copyOf(requiredClaims);
    }
}
