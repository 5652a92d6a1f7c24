package io.nohop.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierListener;
import io.nohop.core.micrometer.VerifierMetrics;
import io.nohop.spring.TestIssuer;
import io.nohop.spring.security.NohopJwtDecoder;
import io.nohop.spring.security.NohopReactiveJwtDecoder;
import io.nohop.spring.security.TokenRejectedJwtException;
import io.nohop.spring.web.KeysUnavailableFilter;
import io.nohop.spring.web.KeysUnavailableWebFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.nohop.spring.TestIssuer.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link NohopAutoConfiguration} contributes, with application contexts built by Spring Boot's
 * test runners (no server). Written against APIs Spring Boot 3.5 and 4.0 share, so that the Boot 4
 * test module runs it too.
 */
class NohopAutoConfigurationTest {
    private static TestIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = new TestIssuer();
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    private static String[] threeProperties() {
        return new String[] {"nohop.jwks-uri=" + issuer.jwksUri(), "nohop.issuer=" + TestIssuer.ISSUER,
            "nohop.audience=" + TestIssuer.AUDIENCE};
    }

    private static final AutoConfigurations NOHOP = AutoConfigurations.of(NohopAutoConfiguration.class);

    @Test
    void withoutAKeySourceProperty_contributesNothing() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues("nohop.audience=orders")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(TokenVerifier.class);
                    assertThat(context).doesNotHaveBean(JwtDecoder.class);
                });
    }

    @Test
    void servletApplication_threeProperties_giveVerifierDecoderAnd503Filter() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .run(context -> {
                    assertThat(context).hasSingleBean(TokenVerifier.class);
                    assertThat(context).hasSingleBean(NohopJwtDecoder.class);
                    assertThat(context).hasSingleBean(KeysUnavailableFilter.class);
                    assertThat(context).doesNotHaveBean(ReactiveJwtDecoder.class);
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    Jwt jwt = context.getBean(JwtDecoder.class).decode(issuer.rs256(claims()));
                    assertEquals("alice", jwt.getSubject());
                });
    }

    @Test
    void reactiveApplication_threeProperties_giveReactiveDecoderAnd503WebFilter() {
        new ReactiveWebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .run(context -> {
                    assertThat(context).hasSingleBean(NohopReactiveJwtDecoder.class);
                    assertThat(context).hasSingleBean(KeysUnavailableWebFilter.class);
                    assertThat(context).doesNotHaveBean(KeysUnavailableFilter.class);
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    Jwt jwt = context.getBean(ReactiveJwtDecoder.class).decode(issuer.es256(claims())).block();
                    assertNotNull(jwt);
                    assertEquals("alice", jwt.getSubject());
                });
    }

    @Test
    void reactiveApplication_byDefault_verifiesOffTheSubscribingThread_becauseAnUnknownKidMayWait() {
        assertEquals("boundedElastic", reactiveVerificationThread().replaceAll("-\\d+$", ""));
    }

    @Test
    void reactiveApplication_waitForUnknownKidZero_verifiesOnTheSubscribingThread() {
        assertEquals(Thread.currentThread().getName(), reactiveVerificationThread("nohop.wait-for-unknown-kid=0"));
    }

    /** The thread the reactive decoder verified a token on (seen by an application validator, run last). */
    private static String reactiveVerificationThread(String... properties) {
        List<String> threads = ThreadRecorder.THREADS;
        threads.clear();
        new ReactiveWebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues(properties).withUserConfiguration(ThreadRecorder.class)
                .run(context -> {
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    assertNotNull(context.getBean(ReactiveJwtDecoder.class).decode(issuer.es256(claims())).block());
                });
        assertEquals(1, threads.size());
        return threads.get(0);
    }

    @Test
    void applicationDefinesAJwtDecoder_nohopsBacksOff() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withUserConfiguration(OwnDecoder.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(JwtDecoder.class);
                    assertThat(context).doesNotHaveBean(NohopJwtDecoder.class);
                    assertThat(context).getBean("ownDecoder").isSameAs(context.getBean(JwtDecoder.class));
                });
    }

    @Test
    void applicationDefinesATokenVerifier_itIsTheOneDecoded() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withUserConfiguration(OwnVerifier.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(TokenVerifier.class);
                    assertThat(context).getBean("ownVerifier").isSameAs(context.getBean(TokenVerifier.class));
                    // The application's verifier accepts only "billing".
                    assertThrows(TokenRejectedJwtException.class,
                            () -> context.getBean(JwtDecoder.class).decode(issuer.rs256(claims())));
                });
    }

    /**
     * A verifier built in code is how an application reaches the builder settings without a property (pinned roots,
     * several issuers): it needs no key-source property to get the decoder, the 503 filter and health.
     */
    @Test
    void applicationDefinesATokenVerifier_noNohopProperties_decoderFilterAndHealthForIt() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withUserConfiguration(OwnVerifier.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).getBean("ownVerifier").isSameAs(context.getBean(TokenVerifier.class));
                    assertThat(context).hasSingleBean(NohopJwtDecoder.class);
                    assertThat(context).hasSingleBean(KeysUnavailableFilter.class);
                    assertThat(context).hasBean("nohopHealthIndicator");
                    // The application's verifier accepts only "billing".
                    String forBilling = claims().replace("\"aud\":\"" + TestIssuer.AUDIENCE + "\"", "\"aud\":\"billing\"");
                    Jwt jwt = context.getBean(JwtDecoder.class).decode(issuer.rs256(forBilling));
                    assertEquals("alice", jwt.getSubject());
                });
    }

    @Test
    void missingAudience_startupFailsNamingIt() {
        new WebApplicationContextRunner().withConfiguration(NOHOP)
                .withPropertyValues("nohop.jwks-uri=" + issuer.jwksUri(), "nohop.issuer=" + TestIssuer.ISSUER)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessage("no audience: call nohop.audience, or nohop.allow-any-audience=true to accept any");
                });
    }

    @Test
    void badDurationProperty_startupFailsNamingTheValue() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues("nohop.clock-skew=11m")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("PT11M")
                            .hasMessageStartingWith("nohop.clock-skew must be between");
                });
    }

    @Test
    void clockSkewProperty_reachesTheVerifier() {
        long now = Instant.now().getEpochSecond();
        String expiredTenSecondsAgo = issuer.rs256(claims().replaceFirst("\"exp\":\\d+", "\"exp\":" + (now - 10))
                .replaceFirst("\"iat\":\\d+", "\"iat\":" + (now - 60)));
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .run(context -> {
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    assertEquals("alice", context.getBean(JwtDecoder.class).decode(expiredTenSecondsAgo).getSubject(),
                            "within the default 60 s skew");
                });
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues("nohop.clock-skew=5s")
                .run(context -> {
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    TokenRejectedJwtException e = assertThrows(TokenRejectedJwtException.class,
                            () -> context.getBean(JwtDecoder.class).decode(expiredTenSecondsAgo));
                    assertEquals("expired", e.getMessage());
                });
    }

    @Test
    void instanceNameProperty_isSentOnKeySetFetches() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues("nohop.instance-name=orders-7f9c")
                .run(context -> {
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    assertEquals("orders-7f9c", issuer.lastInstance);
                });
    }

    @Test
    void badInstanceNameProperty_startupFailsNamingIt() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues("nohop.instance-name=orders 7f9c")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("orders 7f9c").hasMessageContaining("nohop.instance-name"));
    }

    @Test
    void contradictingProperties_startupFailsNamingBothProperties() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues("nohop.wait-for-unknown-kid=5s", "nohop.fetch-timeout=1s")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageStartingWith("nohop.wait-for-unknown-kid (PT5S) exceeds nohop.fetch-timeout (PT1S)"));
    }

    @Test
    void tokenValidatorBeans_areAppliedAfterNohopsChecks() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withUserConfiguration(TenantValidator.class)
                .run(context -> {
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    JwtDecoder decoder = context.getBean(JwtDecoder.class);
                    assertEquals("alice", decoder.decode(issuer.rs256(claims("tenant", "\"a\""))).getSubject());
                    JwtValidationException e = assertThrows(JwtValidationException.class,
                            () -> decoder.decode(issuer.rs256(claims("tenant", "\"b\""))));
                    assertEquals("wrong tenant", e.getMessage());
                });
    }

    @Test
    void meterRegistry_bindsNohopsMetersAndApplicationListenersStillHearEvents() {
        new ApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withUserConfiguration(Registry.class, CountingListener.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(VerifierMetrics.class);
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    context.getBean(JwtDecoder.class).decode(issuer.rs256(claims()));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertEquals(1, registry.get("nohop.verifications").tag("outcome", "accepted").timer().count());
                    assertEquals(0.0, registry.get("nohop.keys.status").gauge().value(), "FRESH");
                    assertEquals(1, context.getBean(CountingListener.class).accepted.get());
                });
    }

    @Test
    void healthContributor_isUpWithTheKeyStateInItsDetails() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .run(context -> {
                    assertTrue(context.getBean(TokenVerifier.class).awaitKeys(Duration.ofSeconds(10)));
                    Object indicator = context.getBean("nohopHealthIndicator");
                    // Spring Boot 3 and 4 each have their own HealthIndicator type: read it reflectively.
                    Object health = indicator.getClass().getMethod("health").invoke(indicator);
                    Object status = health.getClass().getMethod("getStatus").invoke(health);
                    assertEquals("UP", status.getClass().getMethod("getCode").invoke(status));
                    Map<?, ?> details = (Map<?, ?>) health.getClass().getMethod("getDetails").invoke(health);
                    assertEquals("FRESH", details.get("keys"));
                    Map<?, ?> source = (Map<?, ?>) ((List<?>) details.get("sources")).get(0);
                    assertEquals(issuer.jwksUri().toString(), source.get("jwksUri"));
                    assertEquals(2, source.get("keyCount"));
                });
    }

    @Test
    void healthContributor_canBeTurnedOff() {
        new WebApplicationContextRunner().withConfiguration(NOHOP).withPropertyValues(threeProperties())
                .withPropertyValues("management.health.nohop.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("nohopHealthIndicator"));
    }

    @Test
    void configurationMetadata_documentsEveryProperty() throws IOException {
        String metadata;
        try (InputStream in = NohopProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertNotNull(in, "the configuration processor did not run");
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> undocumented = new ArrayList<>();
        for (RecordComponent c : NohopProperties.class.getRecordComponents()) {
            String name = "nohop." + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
            int at = metadata.indexOf("\"name\": \"" + name + "\"");
            if (at < 0 || metadata.indexOf("\"description\"", at) > metadata.indexOf('}', at)) {
                undocumented.add(name);
            }
        }
        assertEquals(List.of(), undocumented);
        // Each name gets its own text, not that of a longer name it begins (issuer / issuer-uri).
        int issuer = metadata.indexOf("\"name\": \"nohop.issuer\"");
        int description = metadata.indexOf("\"description\": \"", issuer) + "\"description\": \"".length();
        assertTrue(metadata.startsWith("Accepted iss values", description), metadata.substring(description, description + 60));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDecoder {
        @Bean
        JwtDecoder ownDecoder() {
            return token -> {
                throw new UnsupportedOperationException();
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnVerifier {
        @Bean(destroyMethod = "close")
        TokenVerifier ownVerifier() {
            return TokenVerifier.builder().jwks(issuer.jwksJson()).issuer(TestIssuer.ISSUER).audience("billing").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TenantValidator {
        @Bean
        OAuth2TokenValidator<Jwt> tenant() {
            return jwt -> "a".equals(jwt.getClaimAsString("tenant")) ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "wrong tenant", null));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ThreadRecorder {
        static final List<String> THREADS = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Bean
        OAuth2TokenValidator<Jwt> threadRecorder() {
            return jwt -> {
                THREADS.add(Thread.currentThread().getName());
                return OAuth2TokenValidatorResult.success();
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CountingListener implements VerifierListener {
        final AtomicInteger accepted = new AtomicInteger();

        @Override
        public void tokenAccepted(String kid, long nanos) {
            accepted.incrementAndGet();
        }
    }

}
