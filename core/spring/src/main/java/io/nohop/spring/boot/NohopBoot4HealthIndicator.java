package io.nohop.spring.boot;

import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifierHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Clock;
import java.util.Objects;

/**
 * Spring Boot 4 health of a verifier's keys (contributor name {@code nohop}; Boot 4 moved
 * {@code HealthIndicator} to {@code org.springframework.boot.health.contributor}). The same statuses and
 * details as {@link NohopHealthIndicator}: {@code FRESH} and {@code STALE} are UP, {@code DOWN} is DOWN.
 */
public final class NohopBoot4HealthIndicator implements HealthIndicator {
    private final TokenVerifier verifier;
    private final Clock clock;

    /**
     * Creates the indicator.
     *
     * @param verifier the verifier to report on
     * @param clock the clock key age is measured against (the verifier's)
     */
    public NohopBoot4HealthIndicator(TokenVerifier verifier, Clock clock) {
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
