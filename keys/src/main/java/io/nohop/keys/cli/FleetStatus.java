package io.nohop.keys.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.StoreException;
import io.nohop.keys.internal.LogSafe;
import io.nohop.keys.server.internal.FleetView;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The endpoint's {@code GET /status} document (admin listener), fetched and put in sentences for a
 * person: {@code nohop status}, and the fleet estimate that {@code rotate} and {@code revoke} print.
 * Everything in it came over the network: instance names are printed only after the endpoint's own
 * capping, and again made printable here.
 */
final class FleetStatus {
    /** The most bytes read from the admin listener (a status lists at most 1,000 instances). */
    private static final int MAX_BYTES = 16 * 1024 * 1024;

    final Map<String, Object> document;
    final String adminUrl;

    private FleetStatus(Map<String, Object> document, String adminUrl) {
        this.document = document;
        this.adminUrl = adminUrl;
    }

    /** Checks {@code --admin-url} before anything else happens: an absolute http(s) URL with a host. */
    static URI parseUrl(String text, CommandLine command) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new ParameterException(command, "--admin-url is not a URL: '" + text + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ParameterException(command, "--admin-url must be an http:// or https:// URL with a host: '" + text + "'");
        }
        return uri;
    }

    /** Fetches {@code URL/status}: one attempt, 3 s to connect, 10 s in all. */
    static FleetStatus fetch(URI admin) throws StoreException {
        String base = admin.toString().endsWith("/") ? admin.toString().substring(0, admin.toString().length() - 1)
                : admin.toString();
        URI status = URI.create(base + "/status");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (HttpTimeoutException e) {
            throw new StoreException("cannot reach the admin listener at " + base + ": no answer in time");
        } catch (ConnectException e) {
            throw new StoreException("cannot reach the admin listener at " + base + ": "
                    + (HttpProbe.unresolved(e) ? "host name not resolved" : "connection refused"));
        } catch (IOException e) {
            throw new StoreException("cannot reach the admin listener at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while asking " + base);
        }
        if (response.statusCode() != 200) {
            throw new StoreException("the admin listener at " + base + " answered HTTP " + response.statusCode()
                    + " to GET /status (is this the --admin-bind address of nohop serve?)");
        }
        if (body.length > MAX_BYTES) {
            throw new StoreException("the status from " + base + " is larger than " + MAX_BYTES + " bytes");
        }
        try {
            Map<String, Object> doc = JSONObjectUtils.parse(new String(body, StandardCharsets.UTF_8));
            if (!(doc.get("summary") instanceof Map) || !(doc.get("publication") instanceof Map)) {
                throw new ParseException("no summary or publication", 0);
            }
            return new FleetStatus(doc, base);
        } catch (ParseException e) {
            throw new StoreException("the answer from " + base + "/status is not a nohop status document");
        }
    }

    /** The document again, as one line of JSON. */
    String json() {
        return JSONObjectUtils.toJSONString(document);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Map<String, Object> in, String name) {
        Object o = in.get(name);
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    private static long number(Map<String, Object> in, String name) {
        return in.get(name) instanceof Number n ? n.longValue() : 0;
    }

    private static double seconds(Map<String, Object> in, String name) {
        return in.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String text(Map<String, Object> in, String name) {
        Object o = in.get(name);
        return o instanceof String s ? printable(s) : null;
    }

    private Duration window() {
        return Duration.ofSeconds(number(document, "freshnessWindowSeconds"));
    }

    /** "key X published 4 min ago, held by 1,203 of 1,240 instances seen in the last hour; 37 have not polled since; slowest: orders-7f9c, 52 min" */
    List<String> keySentences(Instant now) {
        Map<String, Object> publication = object(document, "publication");
        Map<String, Object> summary = object(document, "summary");
        long seen = number(summary, "instancesSeen");
        List<String> lines = new ArrayList<>();
        Object keys = publication.get("keys");
        if (!(keys instanceof List<?> list) || list.isEmpty()) {
            lines.add("no key is published");
            return lines;
        }
        for (Object k : list) {
            if (!(k instanceof Map)) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> key = (Map<String, Object>) k;
            StringBuilder line = new StringBuilder("key ").append(text(key, "kid"));
            String state = text(key, "state");
            if (state != null) {
                line.append(" (").append(state).append(')');
            }
            Instant published = instant(text(key, "publishedAt"));
            if (published == null) {
                published = instant(text(publication, "servedSince"));
            }
            if (published != null) {
                line.append(" published ").append(ago(Duration.between(published, now))).append(" ago");
            }
            if (seen == 0) {
                line.append("; no instance has polled in the last ").append(span(window()));
            } else {
                long held = number(key, "heldBy");
                line.append(", held by ").append(count(held)).append(" of ").append(count(seen))
                        .append(seen == 1 ? " instance" : " instances").append(" seen in the last ").append(span(window()));
                long missing = number(key, "notHeldBy");
                if (missing == 0) {
                    line.append("; all have it");
                } else {
                    line.append("; ").append(count(missing)).append(missing == 1 ? " has" : " have").append(" not polled since");
                    Map<String, Object> slowest = object(key, "slowest");
                    if (text(slowest, "instance") != null) {
                        line.append("; slowest: ").append(text(slowest, "instance")).append(", ")
                                .append(ago(Duration.ofMillis((long) (seconds(slowest, "secondsSincePoll") * 1000))));
                    }
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** The summary line: how many seen, what share holds the current set, and when all will have polled again. */
    String summarySentence() {
        Map<String, Object> summary = object(document, "summary");
        long seen = number(summary, "instancesSeen");
        long table = number(summary, "instancesInTable");
        if (seen == 0) {
            return "no verifier instance has polled in the last " + span(window()) + " (" + count(table)
                    + " in the instance table)";
        }
        double fraction = seconds(summary, "fractionOnCurrentSet");
        long overdue = Math.min(seen, number(summary, "overdueInstances"));
        long expected = seen - overdue;
        String head = count(seen) + (seen == 1 ? " instance" : " instances") + " seen in the last " + span(window())
                + String.format(Locale.ROOT, ", %.1f %% on the current key set", fraction * 100);
        if (expected == 0) {
            return head + "; " + (seen == 1 ? "it is" : "all are") + " " + OVERDUE;
        }
        String within = ago(expectedWithin(summary));
        if (overdue == 0) {
            return head + "; every one is expected to have polled again within " + within;
        }
        return head + "; " + count(expected) + (expected == 1 ? " is" : " are") + " expected to have polled again within "
                + within + ", " + count(overdue) + (overdue == 1 ? " is " : " are ") + OVERDUE;
    }

    /** What an overdue instance is, for a person (FleetView.OVERDUE_INTERVALS). */
    private static final String OVERDUE = "overdue (no poll for more than " + FleetView.OVERDUE_INTERVALS
            + " poll intervals: stopped, or cut off from the endpoint)";

    /** When the instances still polling will all have polled again, rounded up to the second ("within 0 s" never). */
    private static Duration expectedWithin(Map<String, Object> summary) {
        double s = seconds(summary, "expectedFleetPollWithinSeconds");
        return Double.isNaN(s) ? Duration.ZERO : Duration.ofSeconds((long) Math.ceil(s));
    }

    /**
     * What rotate and revoke print: when the fleet is expected to hold a change made now, from the
     * poll intervals the endpoint observed (plus the endpoint's own reload, at most a second or two).
     */
    String rolloutSentence(String change, Instant now) {
        Map<String, Object> summary = object(document, "summary");
        long seen = number(summary, "instancesSeen");
        if (seen == 0) {
            return "fleet: no verifier instance has polled " + adminUrl + "'s endpoint in the last " + span(window())
                    + ", so nothing to predict for " + change;
        }
        long overdue = Math.min(seen, number(summary, "overdueInstances"));
        long expected = seen - overdue;
        if (expected == 0) {
            return "fleet: " + (seen == 1 ? "the 1 instance" : "all " + count(seen) + " instances") + " seen in the last "
                    + span(window()) + (seen == 1 ? " is " : " are ") + OVERDUE + ", so none is expected to fetch " + change;
        }
        Duration within = expectedWithin(summary).plusSeconds(2);
        double longest = seconds(summary, "maxPollIntervalSeconds");
        return "fleet: " + count(expected) + (expected == 1 ? " instance" : " instances") + " seen in the last "
                + span(window()) + (expected == 1 ? " is" : " are") + " expected to hold " + change + " within "
                + ago(within) + " (by " + now.plus(within).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")"
                + (Double.isNaN(longest) ? ", judging by the max-age sent (no instance has polled twice yet)"
                : ", judging by the poll intervals observed (longest " + ago(Duration.ofMillis((long) (longest * 1000))) + ")")
                + (overdue == 0 ? "" : "; " + count(overdue) + " more " + (overdue == 1 ? "is " : "are ") + OVERDUE
                + " and may never fetch it");
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "4 min", "52 min", "45 s", "3 h", "2 d". */
    static String ago(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 120 * 60) {
            return s / 60 + " min";
        }
        if (s < 48 * 3600) {
            return s / 3600 + " h";
        }
        return s / 86400 + " d";
    }

    /** "hour", "30 min", "2 h". */
    static String span(Duration d) {
        if (d.equals(Duration.ofHours(1))) {
            return "hour";
        }
        if (d.equals(Duration.ofDays(1))) {
            return "day";
        }
        return ago(d);
    }

    private static String printable(String text) {
        return LogSafe.printable(text, 200);
    }
}
