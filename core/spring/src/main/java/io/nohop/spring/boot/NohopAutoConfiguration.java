package io.nohop.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierListener;
import io.nohop.core.micrometer.VerifierMetrics;
import io.nohop.spring.security.KeysUnavailableJwtException;
import io.nohop.spring.security.NohopJwtDecoder;
import io.nohop.spring.security.NohopReactiveJwtDecoder;
import io.nohop.spring.web.KeysUnavailableFilter;
import io.nohop.spring.web.KeysUnavailableWebFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Turns a Spring Boot resource server into a nohop one: with {@code nohop-spring} on the class path and
 * {@code nohop.issuer-uri} (or {@code nohop.jwks-uri}) set, it builds a {@link TokenVerifier} from the
 * {@code nohop.*} properties ({@link NohopProperties}) and provides:
 * <ul>
 *   <li>a {@link JwtDecoder} ({@link NohopJwtDecoder}), and in a WebFlux application a
 *       {@link ReactiveJwtDecoder} ({@link NohopReactiveJwtDecoder}), unless the application defines its
 *       own; Spring Boot's resource-server configuration and default {@code SecurityFilterChain} then use
 *       it, and its own decoder backs off. The application's {@code OAuth2TokenValidator<Jwt>} beans
 *       are applied after nohop's checks, as Spring Boot applies them to its decoder;</li>
 *   <li>the filter that answers {@code keys_unavailable} with 503 and {@code Retry-After}
 *       ({@link KeysUnavailableFilter}, {@link KeysUnavailableWebFilter});</li>
 *   <li>with Actuator, the health contributor {@code nohop} ({@link NohopHealthIndicator} on Spring Boot
 *       3, {@link NohopBoot4HealthIndicator} on 4; {@code management.health.nohop.enabled=false} turns it off);</li>
 *   <li>with a Micrometer {@code MeterRegistry}, nohop's metrics ({@link VerifierMetrics}).</li>
 * </ul>
 * The application's {@link VerifierListener} beans receive the verifier's events. An application that
 * defines its own {@link TokenVerifier} bean keeps it, and gets the decoder, the 503 filter and health for it (no
 * {@code nohop.*} key-source property is needed then, and none is read); for
 * nohop's metrics it passes the {@link VerifierMetrics} bean to its builder's {@code listener(...)}
 * (combined with its own through {@code VerifierListener.combine}).
 */
@AutoConfiguration(
        beforeName = {
            // Spring Boot 3.5
            "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.oauth2.resource.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.reactive.ReactiveUserDetailsServiceAutoConfiguration",
            // Spring Boot 4.0 (the same auto-configurations, in new modules and packages)
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration"},
        afterName = {
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({TokenVerifier.class, JwtDecoder.class})
@Conditional(NohopAutoConfiguration.KeySourceConfigured.class)
@EnableConfigurationProperties(NohopProperties.class)
public class NohopAutoConfiguration {

    /** Creates the configuration; Spring Boot does, when the conditions above hold. */
    public NohopAutoConfiguration() {
    }

    /**
     * The verifier, built from the {@code nohop.*} properties. {@code build()} never waits for keys;
     * until the first key set arrives, tokens get {@code keys_unavailable} (503) and health is DOWN.
     *
     * @param properties the {@code nohop.*} properties
     * @param listeners the application's verifier listeners (and nohop's metrics, when bound)
     * @return the verifier, closed with the application context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public TokenVerifier nohopTokenVerifier(NohopProperties properties, ObjectProvider<VerifierListener> listeners) {
        try {
            TokenVerifier.Builder builder = VerifierProperties.builder(properties);
            List<VerifierListener> all = listeners.orderedStream().toList();
            if (!all.isEmpty()) {
                builder.listener(VerifierListener.combine(all.toArray(VerifierListener[]::new)));
            }
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The root cause Spring Boot prints at the end of a failed start: in the properties' terms, not the builder's.
            IllegalStateException refused = new IllegalStateException(VerifierProperties.inPropertyTerms(e.getMessage()));
            refused.setStackTrace(e.getStackTrace());
            throw refused;
        }
    }

    /**
     * The decoder Spring Security's resource server uses, unless the application has one.
     *
     * @param verifier the verifier
     * @param properties the {@code nohop.*} properties (for {@code nohop.retry-after})
     * @param validators the application's extra token validators
     * @return the decoder
     */
    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    public NohopJwtDecoder nohopJwtDecoder(TokenVerifier verifier, NohopProperties properties,
                                           ObjectProvider<OAuth2TokenValidator<Jwt>> validators) {
        return decoder(verifier, properties, validators);
    }

    static NohopJwtDecoder decoder(TokenVerifier verifier, NohopProperties properties,
                                   ObjectProvider<OAuth2TokenValidator<Jwt>> validators) {
        List<OAuth2TokenValidator<Jwt>> extra = validators.orderedStream().toList();
        OAuth2TokenValidator<Jwt> validator = extra.isEmpty()
                ? jwt -> OAuth2TokenValidatorResult.success()
                : new DelegatingOAuth2TokenValidator<>(extra);
        Duration retryAfter = properties.retryAfter() != null ? properties.retryAfter()
                : KeysUnavailableJwtException.DEFAULT_RETRY_AFTER;
        return new NohopJwtDecoder(verifier, MappedJwtClaimSetConverter.withDefaults(Map.of()), validator, retryAfter);
    }

    /** Servlet applications: the 503 for {@code keys_unavailable}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.Filter")
    static class ServletConfiguration {
        @Bean
        @ConditionalOnMissingBean
        KeysUnavailableFilter nohopKeysUnavailableFilter() {
            return new KeysUnavailableFilter();
        }
    }

    /** WebFlux applications: the reactive decoder and the 503 for {@code keys_unavailable}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = {"org.springframework.web.server.WebFilter", "reactor.core.publisher.Mono"})
    static class ReactiveConfiguration {
        @Bean
        @ConditionalOnMissingBean(ReactiveJwtDecoder.class)
        NohopReactiveJwtDecoder nohopReactiveJwtDecoder(TokenVerifier verifier, NohopProperties properties,
                                                        ObjectProvider<OAuth2TokenValidator<Jwt>> validators) {
            // A verifier that may wait for unknown kids blocks (by default up to 1 s, only for a key it has
            // never seen and only while a fetch for it is under way): keep that off the event loop. Only
            // nohop.wait-for-unknown-kid=0 makes verification memory-only, fit for the subscribing thread.
            boolean mayBlock = properties.waitForUnknownKid() == null || !properties.waitForUnknownKid().isZero();
            return new NohopReactiveJwtDecoder(decoder(verifier, properties, validators),
                    mayBlock ? Schedulers.boundedElastic() : Schedulers.immediate());
        }

        @Bean
        @ConditionalOnMissingBean
        KeysUnavailableWebFilter nohopKeysUnavailableWebFilter() {
            return new KeysUnavailableWebFilter();
        }
    }

    /** Micrometer: the metrics bind themselves to the verifier they are given to as its listener. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {
        @Bean
        VerifierMetrics nohopVerifierMetrics(MeterRegistry registry) {
            return new VerifierMetrics(registry);
        }
    }

    /** Spring Boot 3 Actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnProperty(name = "management.health.nohop.enabled", matchIfMissing = true)
    static class Boot3HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "nohopHealthIndicator")
        NohopHealthIndicator nohopHealthIndicator(TokenVerifier verifier) {
            return new NohopHealthIndicator(verifier, Clock.systemUTC());
        }
    }

    /** Spring Boot 4 health (the HealthIndicator moved to its own module and package). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(name = "management.health.nohop.enabled", matchIfMissing = true)
    static class Boot4HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "nohopHealthIndicator")
        NohopBoot4HealthIndicator nohopHealthIndicator(TokenVerifier verifier) {
            return new NohopBoot4HealthIndicator(verifier, Clock.systemUTC());
        }
    }

    /**
     * Active when a key source is configured ({@code nohop.jwks-uri} or {@code nohop.issuer-uri}), or when the
     * application defines its own {@link TokenVerifier}: the way to the builder settings that have no property
     * (pinned roots, several issuers, a fixed key set), which must not need a key-source property it ignores.
     * Judged when beans are registered, after the application's own configuration (an auto-configuration comes last).
     */
    static final class KeySourceConfigured extends AnyNestedCondition {
        KeySourceConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("nohop.jwks-uri")
        static final class JwksUri {
        }

        @ConditionalOnProperty("nohop.issuer-uri")
        static final class IssuerUri {
        }

        @ConditionalOnBean(TokenVerifier.class)
        static final class OwnVerifier {
        }
    }
}
