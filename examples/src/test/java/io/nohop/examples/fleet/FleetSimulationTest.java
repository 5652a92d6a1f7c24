package io.nohop.examples.fleet;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet simulation's short run (1,000 verifiers, the full 24-hour timeline), once with jitter and
 * once without, and the propagation facts it must show. No assertion depends on how fast it ran.
 */
class FleetSimulationTest {
    private static final Logger NOHOP = (Logger) LoggerFactory.getLogger("io.nohop");
    private static Level level;
    private static FleetParameters p;
    private static FleetRun on;
    private static FleetRun off;

    @BeforeAll
    static void runTheShortDayTwice() throws InterruptedException {
        // 1,000 verifiers each log the outage; the assertions say what matters.
        level = NOHOP.getLevel();
        NOHOP.setLevel(Level.OFF);
        p = FleetParameters.shortRun();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        FleetKeys keys;
        try {
            keys = FleetKeys.generate(threads);
        } finally {
            threads.shutdownNow();
        }
        on = FleetSimulation.run(p, true, keys);
        off = FleetSimulation.run(p, false, keys);
    }

    @AfterAll
    static void restoreLogging() {
        NOHOP.setLevel(level);
    }

    @Test
    void plannedRotation_rejectsNoToken_withOrWithoutJitter() {
        assertEquals(0, on.span(p.publishAt(), p.outageAt()).rejected());
        assertEquals(0, off.span(p.publishAt(), p.outageAt()).rejected());
    }

    @Test
    void plannedRotation_everyVerifierHoldsTheNewKeyBeforeItSigns() {
        FleetRun.Spread spread = on.spread(on.heldNewKeyAt(), p.publishAt());
        assertEquals(0, spread.never());
        assertTrue(spread.p100() < p.lead().toSeconds(), "last verifier took " + spread.p100() + " s");
    }

    @Test
    void plannedRotation_wholeFleetHoldsTheNewKeyWithinOneMaxAge() {
        // Core refreshes at 75-95 % of max-age: one max-age after publication, every verifier has asked.
        FleetRun.Spread spread = on.spread(on.heldNewKeyAt(), p.publishAt());
        assertTrue(spread.p100() <= p.maxAge().toSeconds(), "last verifier took " + spread.p100() + " s");
    }

    @Test
    void outage_rejectsNoToken_keysStayUsableWithinTheStalenessBound() {
        assertEquals(0, on.span(p.outageAt(), p.outageEnd().plus(FleetReport.RECOVERY)).rejected());
        assertTrue(on.span(p.outageAt(), p.outageEnd()).failed() > 0, "the outage must have refused requests");
    }

    @Test
    void outage_everyVerifierConfirmsItsKeysAgainAfterward() {
        assertEquals(0, on.spread(on.recoveredAt(), p.outageEnd()).never());
    }

    @Test
    void restartWithCacheFiles_keysUsableAtOnceAndNoTokenRejected() {
        FleetRun.Spread usable = on.spread(on.usableAfterRestartWithCache(), p.restartWithCacheAt());
        assertEquals(0.0, usable.p100());
        assertEquals(0, on.span(p.restartWithCacheAt(), p.restartWithCacheAt().plus(FleetReport.ECHOES)).rejected());
    }

    @Test
    void restartWithoutCacheFiles_rejectsOnlyAsKeysUnavailable() {
        FleetRun.Span span = on.span(p.restartWithoutCacheAt(), p.restartWithoutCacheAt().plus(FleetReport.ECHOES));
        assertEquals(0, span.rejectedUnknownKey());
        assertEquals(0, on.spread(on.usableAfterRestartWithoutCache(), p.restartWithoutCacheAt()).never());
    }

    @Test
    void jitter_keepsThePeakAfterARestartWellBelowTheHerdWithoutIt() {
        Duration from = p.restartWithoutCacheAt().plus(FleetReport.STAMPEDE);
        Duration to = p.restartWithoutCacheAt().plus(FleetReport.ECHOES);
        int withJitter = on.span(from, to).peak();
        int without = off.span(from, to).peak();
        assertTrue(withJitter * 2 < without, "peak with jitter " + withJitter + ", without " + without);
    }

    @Test
    void steadyState_mostAnswersAreNotModified() {
        assertTrue(on.span(Duration.ZERO, p.publishAt()).notModifiedShare() > 0.99);
    }

    @Test
    void adminCensus_showsTheWholeFleetOnTheCurrentSetTenMinutesAfterPublication() {
        int minute = on.slot(p.publishAt().plusMinutes(10)) / 60;
        assertEquals(p.verifiers(), on.pollersCurrent()[minute]);
        assertEquals(0, on.pollersPrevious()[minute] + on.pollersOlder()[minute]);
    }

    @Test
    void adminCensus_showsPartOfTheFleetOnThePreviousSetOneMinuteAfterPublication() {
        int minute = on.slot(p.publishAt().plusMinutes(1)) / 60;
        assertTrue(on.pollersPrevious()[minute] > 0, "previous " + on.pollersPrevious()[minute]);
        assertEquals(p.verifiers(), on.pollersCurrent()[minute] + on.pollersPrevious()[minute]);
    }

    @Test
    void statusDocument_afterPropagation_saysEveryInstanceHoldsTheNewKey() throws Exception {
        Map<String, Object> status = JSONObjectUtils.parse(on.documents().get("status-publish+10m.json"));
        Map<String, Object> summary = JSONObjectUtils.getJSONObject(status, "summary");
        assertEquals(1.0, ((Number) summary.get("fractionOnCurrentSet")).doubleValue());
        assertEquals(p.verifiers(), ((Number) summary.get("instancesSeen")).intValue());
    }

    @Test
    void metricsDocument_namesTheEndpointsPollerGauges() {
        String metrics = on.documents().get("metrics-publish+2m.txt");
        assertTrue(metrics.contains("nohop_endpoint_pollers{set=\"current\"}"), metrics);
        assertTrue(metrics.contains("nohop_endpoint_requests_total{path=\"/.well-known/jwks.json\",status=\"304\"}"),
                metrics);
    }

    @Test
    void parameters_unknownOption_refusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FleetParameters.parse("--verifierz", "10"));
        assertTrue(e.getMessage().contains("--verifierz"), e.getMessage());
    }

    @Test
    void parameters_rotationOutsideTheDay_refused() {
        assertThrows(IllegalArgumentException.class, () -> FleetParameters.parse("--hours", "5"));
    }
}
