package io.nohop.examples.replay;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws a replay as one SVG, by hand (no plotting library): three stacked panels sharing the time
 * axis — share of requests that succeeded, p99 latency (log scale), and calls reaching the auth
 * service or the key endpoint (log scale) — with A and B as two lines and the incident shaded.
 */
final class ReplayChart {
    private static final String COLOR_A = "#d62728";
    private static final String COLOR_B = "#1f77b4";
    private static final int WIDTH = 960;
    private static final int LEFT = 78;
    private static final int RIGHT = 24;
    private static final int PANEL_HEIGHT = 170;
    private static final int PANEL_GAP = 46;
    private static final int TOP = 128;

    private ReplayChart() {
    }

    static String svg(ReplayParameters p, LoadRun.Result a, LoadRun.Result b) {
        LoadRun.Window ia = a.window(p.incidentStart(), p.incidentEnd());
        LoadRun.Window ib = b.window(p.incidentStart(), p.incidentEnd());
        int height = TOP + 3 * PANEL_HEIGHT + 2 * PANEL_GAP + 104;
        StringBuilder s = new StringBuilder(32_000);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(s, LEFT, 26, 17, "bold", "start", "#222",
                "The same " + p.rate() + " req/s through an incident: central auth service (A) vs. nohop (B)");
        text(s, LEFT, 48, 12, "normal", "start", "#444",
                "A: " + a.description());
        text(s, LEFT, 64, 12, "normal", "start", "#444",
                "B: " + b.description());
        text(s, LEFT, 92, 13, "bold", "start", COLOR_A, String.format(Locale.ROOT,
                "During the incident  A: %s succeeded, p99 %s", percent(ia.successRate()), millis(ia.p99Millis())));
        text(s, LEFT + 430, 92, 13, "bold", "start", COLOR_B, String.format(Locale.ROOT,
                "B: %s succeeded, p99 %s", percent(ib.successRate()), millis(ib.p99Millis())));

        int y = TOP;
        panel(s, p, y, "requests succeeded (%)", a, b, LoadRun.Second::successRate, Scale.linear(0, 1),
                new double[] {0, 0.25, 0.5, 0.75, 1}, v -> Math.round(v * 100) + "");
        y += PANEL_HEIGHT + PANEL_GAP;
        panel(s, p, y, "p99 latency (ms, log scale; failures count at the caller's "
                        + p.clientDeadline().toMillis() + " ms deadline)", a, b, LoadRun.Second::p99Millis,
                Scale.log(0.05, Math.max(2000, p.clientDeadline().toMillis() * 2.0)),
                new double[] {0.1, 1, 10, 100, 1000}, ReplayChart::tick);
        y += PANEL_HEIGHT + PANEL_GAP;
        panel(s, p, y, "calls per second reaching A's auth service / B's key endpoint (log scale)", a, b,
                r -> r.upstreamCalls(), Scale.log1p(5000), new double[] {0, 1, 10, 100, 1000}, ReplayChart::tick);

        int legendY = y + PANEL_HEIGHT + 40;
        s.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(legendY - 4).append("\" x2=\"").append(LEFT + 28)
                .append("\" y2=\"").append(legendY - 4).append("\" stroke=\"").append(COLOR_A).append("\" stroke-width=\"3\"/>\n");
        text(s, LEFT + 34, legendY, 12, "normal", "start", "#222", "A: central auth service on every request");
        s.append("<line x1=\"").append(LEFT + 330).append("\" y1=\"").append(legendY - 4).append("\" x2=\"").append(LEFT + 358)
                .append("\" y2=\"").append(legendY - 4).append("\" stroke=\"").append(COLOR_B).append("\" stroke-width=\"3\"/>\n");
        text(s, LEFT + 364, legendY, 12, "normal", "start", "#222", "B: in-process verification (nohop)");
        s.append("<rect x=\"").append(LEFT + 620).append("\" y=\"").append(legendY - 12)
                .append("\" width=\"28\" height=\"12\" fill=\"#f2b134\" fill-opacity=\"0.25\"/>\n");
        text(s, LEFT + 654, legendY, 12, "normal", "start", "#222", "incident");
        // The options that repeat this run, wrapped to the chart's width.
        int lineY = legendY + 22;
        StringBuilder line = new StringBuilder("Replay");
        for (String word : p.asOptions().split(" (?=--)")) {
            if (line.length() + word.length() + 1 > 150) {
                text(s, LEFT, lineY, 10, "normal", "start", "#777", line.toString());
                lineY += 14;
                line.setLength(0);
                line.append("      ");
            }
            line.append(' ').append(word);
        }
        text(s, LEFT, lineY, 10, "normal", "start", "#777", line.toString());
        s.append("</svg>\n");
        return s.toString();
    }

    private interface Scale {
        /** Maps a value to [0, 1] of the panel height. */
        double at(double v);

        static Scale linear(double min, double max) {
            return v -> (clamp(v, min, max) - min) / (max - min);
        }

        static Scale log(double min, double max) {
            return v -> (Math.log10(clamp(v, min, max)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        }

        /** log(1 + v), so that zero calls sit on the axis instead of falling off it. */
        static Scale log1p(double max) {
            return v -> Math.log10(1 + clamp(v, 0, max)) / Math.log10(1 + max);
        }

        private static double clamp(double v, double min, double max) {
            return Math.max(min, Math.min(max, v));
        }
    }

    private interface TickLabel {
        String of(double v);
    }

    private static void panel(StringBuilder s, ReplayParameters p, int top, String title, LoadRun.Result a,
                              LoadRun.Result b, ToDoubleFunction<LoadRun.Second> value, Scale scale, double[] ticks,
                              TickLabel label) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        int bottom = top + PANEL_HEIGHT;
        double perSecond = (double) plotWidth / p.durationSeconds();
        text(s, LEFT, top - 8, 13, "bold", "start", "#222", title);
        // Incident window: slow from its start, and for B down from endpointDownAt.
        double x0 = LEFT + p.incidentStart() * perSecond;
        double x1 = LEFT + p.incidentEnd() * perSecond;
        double xd = LEFT + p.endpointDownAt() * perSecond;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f2b134\" "
                + "fill-opacity=\"0.22\"/>%n", x0, top, x1 - x0, PANEL_HEIGHT));
        if (p.endpointDownAt() < p.incidentEnd()) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f2b134\" "
                    + "fill-opacity=\"0.18\"/>%n", xd, top, x1 - xd, PANEL_HEIGHT));
        }
        if (top == TOP) {
            text(s, x0 + 4, top + 14, 11, "normal", "start", "#8a5a00", "A: auth +" + p.authAddedLatency().toMillis()
                    + " ms/call");
            text(s, x0 + 4, top + 28, 11, "normal", "start", "#8a5a00", "B: keys slow");
            if (p.endpointDownAt() < p.incidentEnd()) {
                text(s, xd + 4, top + 28, 11, "normal", "start", "#8a5a00", "B: keys down");
            }
        }
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"").append(plotWidth)
                .append("\" height=\"").append(PANEL_HEIGHT).append("\" fill=\"none\" stroke=\"#bbb\"/>\n");
        for (double t : ticks) {
            double y = bottom - scale.at(t) * PANEL_HEIGHT;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n",
                    LEFT, y, LEFT + plotWidth, y));
            text(s, LEFT - 6, y + 4, 11, "normal", "end", "#555", label.of(t));
        }
        int step = p.durationSeconds() <= 15 ? 1 : p.durationSeconds() <= 60 ? 5 : 10;
        for (int sec = 0; sec <= p.durationSeconds(); sec += step) {
            double x = LEFT + sec * perSecond;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\"/>%n",
                    x, bottom, x, bottom + 4));
            text(s, x, bottom + 16, 11, "normal", "middle", "#555", sec + (sec == p.durationSeconds() ? " s" : ""));
        }
        line(s, a.seconds(), value, scale, top, perSecond, COLOR_A);
        line(s, b.seconds(), value, scale, top, perSecond, COLOR_B);
    }

    private static void line(StringBuilder s, List<LoadRun.Second> seconds, ToDoubleFunction<LoadRun.Second> value,
                             Scale scale, int top, double perSecond, String color) {
        s.append("<polyline fill=\"none\" stroke=\"").append(color)
                .append("\" stroke-width=\"2.2\" stroke-linejoin=\"round\" points=\"");
        for (LoadRun.Second sec : seconds) {
            // Each second's value is drawn at the middle of its second.
            double x = LEFT + (sec.second() + 0.5) * perSecond;
            double y = top + PANEL_HEIGHT - scale.at(value.applyAsDouble(sec)) * PANEL_HEIGHT;
            s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        s.append("\"/>\n");
        for (LoadRun.Second sec : seconds) {
            double x = LEFT + (sec.second() + 0.5) * perSecond;
            double y = top + PANEL_HEIGHT - scale.at(value.applyAsDouble(sec)) * PANEL_HEIGHT;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"/>%n", x, y, color));
        }
    }

    private static void text(StringBuilder s, double x, double y, int size, String weight, String anchor, String color,
                             String content) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\" "
                + "text-anchor=\"%s\" fill=\"%s\">%s</text>%n", x, y, size, weight, anchor, color, escape(content)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String tick(double v) {
        return v >= 1 || v == 0 ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String percent(double rate) {
        double pct = rate * 100;
        return pct >= 99.95 || pct < 0.05 ? String.format(Locale.ROOT, "%.0f%%", pct)
                : String.format(Locale.ROOT, "%.1f%%", pct);
    }

    static String millis(double ms) {
        return ms >= 10 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2f ms", ms);
    }
}
