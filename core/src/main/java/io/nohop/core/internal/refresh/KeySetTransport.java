package io.nohop.core.internal.refresh;

import java.net.URI;
import java.time.Duration;

/**
 * How a key cache reaches its endpoints: one bounded GET per exchange, answered as a
 * {@link FetchResult}. {@link KeySetFetcher} (the JDK's HttpClient, with the bounds, the headers and the
 * answer rules of DESIGN) is the one implementation a verifier ever uses.
 *
 * <p>Why a seam: the fleet simulation in {@code examples} ({@code io.nohop.examples.fleet}) drives the
 * real refresh code — {@link RefreshingKeySource}, {@link RefreshTiming}, {@link UnknownKidGate} — for
 * 100,000 verifiers through 24 virtual hours, against a simulated endpoint, in well under a minute;
 * that needs the exchange without a socket. The package is not exported: only code on the class path
 * (where module encapsulation does not apply), such as that simulation, can supply another transport,
 * and no public builder option takes one.
 *
 * <p>Contract: {@link #start} never blocks and never throws; {@link Exchange#await()} returns the outcome
 * within the deadline it was given and never throws; {@link Exchange#abort()} may come from any thread.
 */
public interface KeySetTransport extends AutoCloseable {
    /**
     * Starts one GET.
     *
     * @param uri what to fetch
     * @param accept the {@code Accept} header: {@code application/json}, or
     *               {@code application/jwk-set+jwt} for a source that pins roots
     * @param sent sent as {@code If-None-Match} / {@code If-Modified-Since}; {@link RevalidationHeaders#NONE}
     *             for an unconditional request
     * @param deadline the total time allowed, headers and body
     * @param maxBodyBytes larger bodies are refused
     * @return the exchange in flight
     */
    Exchange start(URI uri, String accept, RevalidationHeaders sent, Duration deadline, int maxBodyBytes);

    /** Aborts every exchange in flight and releases the transport's threads, if any. Idempotent. */
    @Override
    void close();

    /** One exchange: awaited by the fetch round, abortable from any thread (a closing source). */
    interface Exchange {
        /**
         * Waits for the outcome, at most until the exchange's deadline.
         *
         * @return a body, a 304, or a failure with its code; never throws
         */
        FetchResult await();

        /** Stops the exchange; a later or concurrent {@link #await()} answers a failure. */
        void abort();
    }
}
