package io.nohop.examples.replay;

/**
 * One way for a service to authenticate its requests, driven through the same incident timeline.
 * Methods other than {@link #authenticate(String)} are called from one timeline thread.
 */
interface Architecture extends AutoCloseable {
    /**
     * A short name for tables, the CSV and the chart.
     *
     * @return "A" or "B"
     */
    String name();

    /**
     * What the architecture is, in a few words.
     *
     * @return the description
     */
    String description();

    /**
     * Authenticates one request; runs on one of the service's request threads.
     *
     * @param token the bearer token the request carried
     * @return true when the request may proceed
     * @throws InterruptedException when the run is being stopped
     */
    boolean authenticate(String token) throws InterruptedException;

    /** The incident starts: A's auth service gets slower, B's key endpoint gets slow. */
    void incidentStarts();

    /** Later in the incident: B's key endpoint goes down (A: no change). */
    void endpointGoesDown();

    /** The incident ends: everything is as before. */
    void incidentEnds();

    /**
     * Counts calls that reach the auth service (A) or the key endpoint (B).
     *
     * @return the counter
     */
    SecondCounter upstreamCalls();

    /**
     * The verifier's key status now (B), or empty (A has none).
     *
     * @return FRESH, STALE, DOWN or ""
     */
    String keyStatus();

    /** Stops every server and thread it started. */
    @Override
    void close();
}
