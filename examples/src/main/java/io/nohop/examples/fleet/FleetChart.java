package io.nohop.examples.fleet;

import java.time.Duration;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Draws a simulated day as one SVG, by hand: three panels over the day's minutes — the endpoint's
 * busiest second of each minute (log scale), the fleet on the new key (as the simulation knows it, and
 * as the admin listener's census shows it), and tokens rejected per minute (log scale) — with jitter on
 * and off as two lines and the day's events marked.
 */
final class FleetChart {
    private static final String ON = "#1f77b4";
    private static final String OFF = "#d62728";
    private static final String CENSUS = "#2ca02c";
    private static final int WIDTH = 1000;
    private static final int LEFT = 78;
    private static final int RIGHT = 24;
    private static final int PANEL = 170;
    private static final int GAP = 50;
    private static final int TOP = 96;

    private FleetChart() {
    }

    static String svg(FleetRun on, FleetRun off) {
        FleetParameters p = on.p();
        int minutes = p.hours() * 60;
        int height = TOP + 3 * PANEL + 2 * GAP + 104;
        StringBuilder s = new StringBuilder(200_000);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        FleetRun.Span dayOn = on.day();
        FleetRun.Span dayOff = off.day();
        text(s, LEFT, 26, 17, "bold", "#222", String.format(Locale.ROOT,
                "%,d verifiers (core's real key cache) against one key endpoint, %d virtual hours", p.verifiers(), p.hours()));
        text(s, LEFT, 48, 12, "normal", "#444", String.format(Locale.ROOT,
                "max-age %s, endpoint capacity %,d req/s; rotation published at %s (signs %s later), outage %s-%s, restarts at %s (cache files) and %s (none)",
                FleetParameters.text(p.maxAge()), p.capacity(), hm(p.publishAt()), FleetParameters.text(p.lead()),
                hm(p.outageAt()), hm(p.outageEnd()), hm(p.restartWithCacheAt()), hm(p.restartWithoutCacheAt())));
        text(s, LEFT, 68, 13, "bold", "#222", String.format(Locale.ROOT,
                "day mean %.0f req/s, %.1f %% 304; peak second: jitter on %,d, off %,d; tokens rejected: on %,d, off %,d",
                dayOn.mean(), 100 * dayOn.notModifiedShare(), dayOn.peak(), dayOff.peak(), dayOn.rejected(),
                dayOff.rejected()));
        double maxPeak = Math.max(10, Math.max(dayOn.peak(), dayOff.peak()));
        int y = TOP;
        panel(s, p, y, "endpoint requests in the busiest second of each minute (log scale)",
                new Line[] {new Line(OFF, 1.5, m -> on0(off, m).peak()), new Line(ON, 1.5, m -> on0(on, m).peak())},
                v -> Math.log10(1 + v) / Math.log10(1 + maxPeak), ticks(maxPeak), minutes);
        y += PANEL + GAP;
        panel(s, p, y, "fleet holding the new key (blue), and on the current set per GET /status census (green dots)",
                new Line[] {new Line(ON, 2, m -> heldBy(on, m))},
                v -> v, new double[] {0, 0.25, 0.5, 0.75, 1}, minutes);
        censusDots(s, on, y, minutes);
        y += PANEL + GAP;
        double maxRejected = Math.max(10, Math.max(maxPerMinute(on), maxPerMinute(off)));
        panel(s, p, y, "tokens rejected per minute (log scale; one token per verifier per second)",
                new Line[] {new Line(OFF, 1.5, m -> on0(off, m).rejected()), new Line(ON, 1.5, m -> on0(on, m).rejected())},
                v -> Math.log10(1 + v) / Math.log10(1 + maxRejected), ticks(maxRejected), minutes);
        int legend = y + PANEL + 40;
        legend(s, LEFT, legend, ON, "jitter on (core's defaults)");
        legend(s, LEFT + 240, legend, OFF, "jitter off (every draw the middle of its range)");
        s.append("<rect x=\"").append(LEFT + 600).append("\" y=\"").append(legend - 11)
                .append("\" width=\"24\" height=\"12\" fill=\"#f2b134\" fill-opacity=\"0.3\"/>\n");
        text(s, LEFT + 630, legend, 12, "normal", "#222", "endpoint down; grey lines: publish, activate, remove old, restarts");
        String options = "Fleet " + p.asOptions();
        int cut = options.indexOf(" --", options.length() / 2);
        text(s, LEFT, legend + 22, 10, "normal", "#777", options.substring(0, cut));
        text(s, LEFT, legend + 36, 10, "normal", "#777", "     " + options.substring(cut));
        s.append("</svg>\n");
        return s.toString();
    }

    private record Line(String color, double width, IntToDoubleFunction value) {
    }

    private interface Scale {
        double at(double v);
    }

    private static FleetRun.Span on0(FleetRun r, int minute) {
        return r.span(Duration.ofMinutes(minute), Duration.ofMinutes(minute + 1));
    }

    private static double heldBy(FleetRun r, int minute) {
        long end = r.dayStartMillis() + (minute + 1) * 60_000L;
        long n = 0;
        for (long t : r.heldNewKeyAt()) {
            if (t >= 0 && t < end) {
                n++;
            }
        }
        return (double) n / r.heldNewKeyAt().length;
    }

    private static double maxPerMinute(FleetRun r) {
        double max = 0;
        for (int m = 0; m < r.p().hours() * 60; m++) {
            max = Math.max(max, on0(r, m).rejected());
        }
        return max;
    }

    private static double[] ticks(double max) {
        int n = (int) Math.floor(Math.log10(max)) + 1;
        double[] t = new double[n + 1];
        for (int i = 1; i <= n; i++) {
            t[i] = Math.pow(10, i - 1);
        }
        return t;
    }

    private static void panel(StringBuilder s, FleetParameters p, int top, String title, Line[] lines, Scale scale,
                              double[] ticks, int minutes) {
        int width = WIDTH - LEFT - RIGHT;
        int bottom = top + PANEL;
        text(s, LEFT, top - 8, 13, "bold", "#222", title);
        double perMinute = (double) width / minutes;
        double o0 = LEFT + p.outageAt().toMinutes() * perMinute;
        double o1 = LEFT + p.outageEnd().toMinutes() * perMinute;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f2b134\" fill-opacity=\"0.3\"/>%n",
                o0, top, o1 - o0, PANEL));
        for (Duration event : new Duration[] {p.publishAt(), p.activationAt(), p.removalAt(), p.restartWithCacheAt(),
                p.restartWithoutCacheAt()}) {
            double x = LEFT + event.toMinutes() * perMinute;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>%n",
                    x, top, x, bottom));
        }
        for (double t : ticks) {
            double yy = bottom - scale.at(t) * PANEL;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, yy, LEFT + width, yy));
            String label = t < 1 && t > 0 ? Math.round(t * 100) + " %" : t == 1 && ticks[ticks.length - 1] == 1 ? "100 %"
                    : String.format(Locale.ROOT, "%,.0f", t);
            text(s, LEFT - 6, (int) yy + 4, 11, "normal", "#555", label, "end");
        }
        for (int h = 0; h <= p.hours(); h += Math.max(1, p.hours() / 12)) {
            double x = LEFT + h * 60 * perMinute;
            text(s, (int) x, bottom + 16, 11, "normal", "#555", h + " h", "middle");
        }
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(top).append("\" width=\"").append(width)
                .append("\" height=\"").append(PANEL).append("\" fill=\"none\" stroke=\"#888\"/>\n");
        for (Line line : lines) {
            s.append("<polyline fill=\"none\" stroke=\"").append(line.color()).append("\" stroke-width=\"")
                    .append(line.width()).append("\" points=\"");
            for (int m = 0; m < minutes; m++) {
                double x = LEFT + (m + 0.5) * perMinute;
                double yy = bottom - Math.max(0, Math.min(1, scale.at(line.value().applyAsDouble(m)))) * PANEL;
                s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, yy));
            }
            s.append("\"/>\n");
        }
    }

    private static void censusDots(StringBuilder s, FleetRun r, int top, int minutes) {
        int width = WIDTH - LEFT - RIGHT;
        double perMinute = (double) width / minutes;
        int offset = (int) ((r.dayStartMillis() - r.originMillis()) / 60_000);
        for (int m = 0; m < minutes; m++) {
            int slot = offset + m;
            if (r.tableSize()[slot] < 0) {
                continue;
            }
            long seen = r.pollersCurrent()[slot] + r.pollersPrevious()[slot] + r.pollersOlder()[slot];
            if (seen == 0) {
                continue;
            }
            double share = (double) r.pollersCurrent()[slot] / seen;
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>%n",
                    LEFT + (m + 0.5) * perMinute, top + PANEL - share * PANEL, CENSUS));
        }
    }

    private static void legend(StringBuilder s, int x, int y, String color, String label) {
        s.append("<line x1=\"").append(x).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(x + 28)
                .append("\" y2=\"").append(y - 4).append("\" stroke=\"").append(color).append("\" stroke-width=\"3\"/>\n");
        text(s, x + 34, y, 12, "normal", "#222", label);
    }

    private static String hm(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d", d.toHours(), d.toMinutesPart());
    }

    private static void text(StringBuilder s, int x, int y, int size, String weight, String color, String text) {
        text(s, x, y, size, weight, color, text, "start");
    }

    private static void text(StringBuilder s, int x, int y, int size, String weight, String color, String text,
                             String anchor) {
        s.append("<text x=\"").append(x).append("\" y=\"").append(y).append("\" font-size=\"").append(size)
                .append("\" font-weight=\"").append(weight).append("\" fill=\"").append(color)
                .append("\" text-anchor=\"").append(anchor).append("\">")
                .append(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).append("</text>\n");
    }
}
