package io.nohop.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the Quick start demo end to end (about 15 s) and checks what it observed, not how long it took. */
class DemoTest {

    @Test
    void everyStepBehavesAsDocumentedAndNothingIsLeftRunning() throws Exception {
        Set<Thread> before = liveNonDaemonThreads();
        ByteArrayOutputStream narration = new ByteArrayOutputStream();

        Demo.Outcome outcome = Demo.run(new PrintStream(narration, true, StandardCharsets.UTF_8));

        String text = narration.toString(StandardCharsets.UTF_8);
        assertEquals(outcome.validSent(), outcome.validAccepted(), text);
        assertEquals(Demo.Outcome.EXPECTED_REJECTIONS, outcome.rejections(), text);
        assertTrue(outcome.rotationSent() > 0, text);
        assertEquals(0, outcome.rotationRejected(), "valid requests rejected across the key switch\n" + text);
        assertTrue(outcome.signingKeyChanged(), text);
        assertTrue(outcome.oldKeyTokenAcceptedAfterSwitch(), text);
        assertEquals(0, outcome.outageRejected(), "valid requests rejected during the endpoint outage\n" + text);
        assertTrue(outcome.staleDuringOutage(), text);
        assertEquals("bad_signature", outcome.mirrorRefusal(), "the mirror's tampered key set is refused\n" + text);
        assertTrue(outcome.mirrorSent() > 0, text);
        assertEquals(0, outcome.mirrorRejected(), "valid requests rejected while the mirror served a tampered set\n" + text);
        assertTrue(outcome.restartedFromCacheFile(), text);
        assertTrue(outcome.restartedServiceAccepted(), text);
        assertTrue(outcome.freshAfterRecovery(), text);
        assertEquals("unknown_key", outcome.revokedKeyCode(), text);
        assertTrue(outcome.successorAcceptedAfterRevoke(), text);
        assertTrue(outcome.tempFolderDeleted(), text);
        assertTrue(outcome.asExpected(), text);
        assertTrue(text.contains("bad_signature") && text.contains("STALE"), text);

        Set<Thread> left = liveNonDaemonThreads();
        left.removeAll(before);
        assertEquals(Set.of(), left.stream().map(Thread::getName).collect(Collectors.toSet()),
                "non-daemon threads the demo left running");
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon())
                .collect(Collectors.toSet());
    }
}
