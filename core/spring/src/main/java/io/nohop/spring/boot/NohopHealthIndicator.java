package io.nohop.spring.boot;

import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.time.Clock;
import java.util.Objects;

/**
 * Spring Boot 3 Actuator health of a verifier's keys (contributor name {@code nohop}): {@code FRESH}
 * and {@code STALE} are UP (a stale verifier still accepts every valid token; the details say
 * {@code "keys": "STALE"}, and metrics and alerts are where staleness is watched), {@code DOWN} is DOWN
 * (every token gets {@code keys_unavailable}). Details: see {@code TokenVerifier.health()}. Cheap: no I/O.
 */
public final class NohopHealthIndicator implements HealthIndicator {
    private final TokenVerifier verifier;
    private final Clock clock;

    /**
     * Creates the indicator.
     *
     * @param verifier the verifier to report on
     * @param clock the clock key age is measured against (the verifier's)
     */
    public NohopHealthIndicator(TokenVerifier verifier, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the verifier's health.
     *
     * @return UP for FRESH and STALE, DOWN for DOWN, with details
     */
    @Override
    public Health health() {
        VerifierHealth health = verifier.health();
        Health.Builder builder = health.status() == VerifierHealth.Status.DOWN ? Health.down() : Health.up();
        return builder.withDetails(HealthDetails.of(health, clock)).build();
    }
}
