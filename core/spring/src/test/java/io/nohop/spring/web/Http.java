package io.nohop.spring.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP requests to an application on 127.0.0.1. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /**
     * The {@code nohop} component of an Actuator health answer has this status and key state. Member
     * order differs between Spring Boot 3 (status first) and 4 (alphabetical), so it is not compared.
     */
    static boolean nohopHealthIs(String healthJson, String status, String keys) {
        String component = object(healthJson, healthJson.indexOf("\"nohop\":{") + "\"nohop\":".length());
        String details = object(component, component.indexOf("\"details\":{") + "\"details\":".length());
        return component.replace(details, "").contains("\"status\":\"" + status + "\"")
                && details.contains("\"keys\":\"" + keys + "\"");
    }

    /** The JSON object starting at {@code from} (no braces inside strings in what is read here). */
    private static String object(String json, int from) {
        int depth = 0;
        for (int i = from; i < json.length(); i++) {
            char c = json.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0) {
                return json.substring(from, i + 1);
            }
        }
        throw new IllegalArgumentException("no JSON object at " + from + " in " + json);
    }

    static HttpResponse<String> get(int port, String path, String bearerToken) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
