package io.nohop.examples.replay;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the incident replay once in its short mode (about 25 s) and checks its outcomes: what failed
 * and what did not, and what reached the upstream services. No assertion depends on a latency.
 */
class ReplayTest {
    @TempDir
    static Path out;

    private static ReplayParameters params;
    private static Replay.Report report;
    private static String printed;

    @BeforeAll
    static void runShortReplay() throws Exception {
        params = ReplayParameters.parse("--short", "--out", out.toString());
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report = Replay.run(params, new PrintStream(text, true, StandardCharsets.UTF_8));
        printed = text.toString(StandardCharsets.UTF_8);
    }

    @Test
    void localVerificationRejectsNoValidRequestWhileTheKeyEndpointIsSlowThenDown() {
        assertEquals(0, report.failed("B"), printed);
        assertEquals(1.0, report.successRate("B", params.incidentStart(), params.incidentEnd()), printed);
    }

    @Test
    void centralAuthFailsWhenItsAuthServiceSlowsDown() {
        double before = report.successRate("A", 0, params.incidentStart());
        double during = report.successRate("A", params.incidentStart(), params.incidentEnd());
        assertTrue(during < 0.75, "A during the incident: " + during + "\n" + printed);
        assertTrue(before - during > 0.25, "A before " + before + ", during " + during + "\n" + printed);
    }

    @Test
    void centralAuthRetriesAmplifyTheLoadOnTheAuthService() {
        int offered = report.offered("A", params.incidentStart(), params.incidentEnd());
        int calls = report.upstreamCalls("A", params.incidentStart(), params.incidentEnd());
        assertTrue(calls > offered, calls + " auth calls for " + offered + " requests\n" + printed);
    }

    @Test
    void theKeyEndpointIsNotOnTheRequestPath() {
        int offered = report.offered("B", 0, params.durationSeconds());
        int calls = report.upstreamCalls("B", 0, params.durationSeconds());
        assertTrue(calls * 100 < offered, calls + " key endpoint calls for " + offered + " requests\n" + printed);
    }

    @Test
    void writesTheCsvAndTheChartAndStatesTheParameters() throws Exception {
        List<String> csv = Files.readAllLines(report.csv());
        assertEquals(1 + 2 * params.durationSeconds(), csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).startsWith("architecture,second,phase,offered,succeeded,failed"), csv.get(0));
        String svg = Files.readString(report.chart());
        assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"), "not an SVG document");
        assertTrue(svg.contains("<polyline"), "the chart has no lines");
        assertTrue(report.chart().startsWith(out) && report.csv().startsWith(out));
        assertTrue(printed.startsWith("nohop incident replay") && printed.contains("parameters: " + params.asOptions()),
                printed);
    }

    @Test
    void optionsRepeatARunAndUnknownOnesAreRefused() {
        assertEquals(params, ReplayParameters.parse(params.asOptions().split(" ")));
        assertThrows(IllegalArgumentException.class, () -> ReplayParameters.parse("--rates", "10"));
        assertThrows(IllegalArgumentException.class, () -> ReplayParameters.parse("--incident-start", "40"));
    }
}
