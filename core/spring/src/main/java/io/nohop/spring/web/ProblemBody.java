package io.nohop.spring.web;

/** The fixed body of the 503, shared by the Servlet and the WebFlux filter. */
final class ProblemBody {
    static final String KEYS_UNAVAILABLE = "{\"error\":\"temporarily_unavailable\",\"reason\":\"keys_unavailable\"}";

    private ProblemBody() {
    }
}
