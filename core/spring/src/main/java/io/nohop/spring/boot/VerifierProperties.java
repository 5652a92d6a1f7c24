package io.nohop.spring.boot;

import io.nohop.core.TokenVerifier;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Applies {@link NohopProperties} to a {@link TokenVerifier.Builder}: a property left out keeps the builder's default. */
final class VerifierProperties {
    /** Builder methods whose property has another name. */
    private static final Map<String, String> RENAMED = Map.of("discoverIssuer", "issuerUri", "requireClaims", "requiredClaims");

    private VerifierProperties() {
    }

    /**
     * The builder's message about a refused setting, in the terms of the properties the user wrote: the builder names
     * its methods ({@code clockSkew must be between ...}, {@code no audience: call audience(...)}), a Spring Boot
     * user set {@code nohop.clock-skew} and {@code nohop.audience}. A method named as a call, or any name of more
     * than one word, becomes its property; a one-word name used as a plain word ("no audience") stays.
     *
     * @param message the builder's message
     * @return the message naming properties
     */
    static String inPropertyTerms(String message) {
        String out = message;
        Map<String, String> names = new LinkedHashMap<>(RENAMED);
        Map<String, Boolean> flags = new LinkedHashMap<>();
        for (RecordComponent c : NohopProperties.class.getRecordComponents()) {
            names.put(c.getName(), c.getName());
            flags.put(c.getName(), c.getType() == boolean.class);
        }
        for (Map.Entry<String, String> e : names.entrySet()) {
            String method = e.getKey();
            String property = "nohop." + e.getValue().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            // A switch named as a call (allowAnyAudience()) is a property set to true.
            String call = flags.getOrDefault(e.getValue(), false) ? property + "=true" : property;
            out = out.replace(method + "(...)", property).replace(method + "()", call);
            if (!method.equals(method.toLowerCase(Locale.ROOT))) {
                out = out.replaceAll("\\b" + method + "\\b", property);
            }
        }
        return out;
    }

    static TokenVerifier.Builder builder(NohopProperties p) {
        TokenVerifier.Builder b = TokenVerifier.builder();
        if (p.jwksUri() != null) {
            b.jwksUri(p.jwksUri());
        }
        if (p.issuerUri() != null) {
            b.discoverIssuer(p.issuerUri());
        }
        p.issuer().forEach(b::issuer);
        if (p.allowAnyIssuer()) {
            b.allowAnyIssuer();
        }
        if (!p.audience().isEmpty()) {
            b.audience(p.audience().toArray(String[]::new));
        }
        if (p.allowAnyAudience()) {
            b.allowAnyAudience();
        }
        if (!p.algorithms().isEmpty()) {
            b.algorithms(p.algorithms().toArray(String[]::new));
        }
        if (p.requiredType() != null) {
            b.requiredType(p.requiredType());
        }
        if (!p.requiredClaims().isEmpty()) {
            b.requireClaims(p.requiredClaims().toArray(String[]::new));
        }
        if (p.maxTokenBytes() != null) {
            b.maxTokenBytes(p.maxTokenBytes());
        }
        if (p.clockSkew() != null) {
            b.clockSkew(p.clockSkew());
        }
        if (p.maxLifetime() != null) {
            b.maxLifetime(p.maxLifetime());
        }
        if (p.minRefreshInterval() != null) {
            b.minRefreshInterval(p.minRefreshInterval());
        }
        if (p.defaultRefreshInterval() != null) {
            b.defaultRefreshInterval(p.defaultRefreshInterval());
        }
        if (p.maxRefreshInterval() != null) {
            b.maxRefreshInterval(p.maxRefreshInterval());
        }
        if (p.maxStaleness() != null) {
            b.maxStaleness(p.maxStaleness());
        }
        if (p.initialRetryDelay() != null) {
            b.initialRetryDelay(p.initialRetryDelay());
        }
        if (p.negativeKidTtl() != null) {
            b.negativeKidTtl(p.negativeKidTtl());
        }
        if (p.connectTimeout() != null) {
            b.connectTimeout(p.connectTimeout());
        }
        if (p.fetchTimeout() != null) {
            b.fetchTimeout(p.fetchTimeout());
        }
        if (p.maxJwksBytes() != null) {
            b.maxJwksBytes(p.maxJwksBytes());
        }
        if (p.cacheFile() != null) {
            b.cacheFile(p.cacheFile());
        }
        if (p.instanceName() != null) {
            b.instanceName(p.instanceName());
        }
        if (p.waitForUnknownKid() != null) {
            b.waitForUnknownKid(p.waitForUnknownKid());
        }
        if (p.resultCache() != null) {
            b.resultCache(p.resultCache());
        }
        if (p.unsafeAllowPlainHttp()) {
            b.unsafeAllowPlainHttp();
        }
        return b;
    }
}
