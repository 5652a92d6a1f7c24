package io.nohop.examples.fleet;

import io.nohop.core.RefreshFailure;
import io.nohop.core.internal.refresh.FetchResult;
import io.nohop.core.internal.refresh.RevalidationHeaders;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The key endpoint as the fleet sees it, in virtual time: what {@code nohop serve} publishes at each
 * instant (a strong ETag per publication, {@code Cache-Control: max-age}, 304 to a matching
 * {@code If-None-Match}), an outage window in which connections are refused, and a finite capacity.
 *
 * <p>Capacity is one FIFO queue served at {@code capacity} requests per second: a request that arrives
 * while the server is busy waits its turn; one whose answer would come later than the verifier's fetch
 * timeout is a timeout for the verifier, yet still costs the server its turn (it cannot know the client
 * gave up). 200 and 304 cost the same here (a 304 is cheaper on a real server). Counters are kept per
 * second: requests by arrival, answers by kind.
 */
final class SimulatedEndpoint {
    /** What became of a request, decided when it arrives. */
    enum Fate { ANSWERED, REFUSED, TIMED_OUT }

    /**
     * One state of what is published.
     *
     * @param fromMillis when it starts being served (epoch millis)
     * @param etag its strong ETag
     * @param document the JWKS bytes (one array, handed to every verifier)
     * @param kids the kids it holds
     */
    record Publication(long fromMillis, String etag, byte[] document, List<String> kids) {
    }

    // Fixed text, as KeySetFetcher words these failures.
    private static final FetchResult.Failed REFUSED = new FetchResult.Failed(RefreshFailure.UNREACHABLE,
            "connection refused", Optional.empty());

    private final List<Publication> publications;
    private final FetchResult.Body[] bodies;
    private final FetchResult.NotModified[] notModified;
    private final long outageStart;
    private final long outageEnd;
    private final long serviceNanos;
    private final long fetchTimeoutMillis;
    private final FetchResult.Failed timedOut;
    private final long originMillis;
    private long busyUntilNanos = Long.MIN_VALUE;
    private SimulatedAdminListener admin;

    final int[] requests;
    final int[] full;
    final int[] notModifiedAnswers;
    final int[] refused;
    final int[] timeouts;

    /**
     * @param publications what is served, in time order (the first from the start)
     * @param maxAge the max-age every answer carries
     * @param outageStart first instant of the outage (epoch millis)
     * @param outageEnd first instant after it
     * @param capacityPerSecond requests the server answers per second
     * @param fetchTimeout the verifiers' total fetch deadline
     * @param originMillis the instant of counter slot 0
     * @param seconds counter slots
     */
    SimulatedEndpoint(List<Publication> publications, Duration maxAge, long outageStart, long outageEnd,
                      int capacityPerSecond, Duration fetchTimeout, long originMillis, int seconds) {
        this.publications = List.copyOf(publications);
        this.bodies = new FetchResult.Body[publications.size()];
        this.notModified = new FetchResult.NotModified[publications.size()];
        for (int i = 0; i < publications.size(); i++) {
            Publication p = publications.get(i);
            RevalidationHeaders validators = new RevalidationHeaders(Optional.of(p.etag()), Optional.empty());
            bodies[i] = new FetchResult.Body(p.document(), validators, Optional.of(maxAge));
            notModified[i] = new FetchResult.NotModified(validators, Optional.of(maxAge));
        }
        this.outageStart = outageStart;
        this.outageEnd = outageEnd;
        this.serviceNanos = 1_000_000_000L / capacityPerSecond;
        this.fetchTimeoutMillis = fetchTimeout.toMillis();
        this.timedOut = new FetchResult.Failed(RefreshFailure.TIMEOUT, "timed out after " + fetchTimeoutMillis + " ms",
                Optional.empty());
        this.originMillis = originMillis;
        this.requests = new int[seconds];
        this.full = new int[seconds];
        this.notModifiedAnswers = new int[seconds];
        this.refused = new int[seconds];
        this.timeouts = new int[seconds];
    }

    /**
     * Connects the admin side: every answered request is recorded in its instance table and metrics.
     *
     * @param listener the admin side
     */
    void admin(SimulatedAdminListener listener) {
        this.admin = listener;
    }

    /**
     * A request arrives now: counted, and its fate and the instant its outcome reaches the verifier
     * decided (the queue is FIFO, so both are known at once).
     *
     * @param nowMillis the arrival instant
     * @param client receives the fate
     * @return when the verifier has the outcome (epoch millis; {@code nowMillis} when at once)
     */
    long arrive(long nowMillis, SimulatedVerifier client) {
        int second = second(nowMillis);
        requests[second]++;
        if (nowMillis >= outageStart && nowMillis < outageEnd) {
            refused[second]++;
            client.fate(Fate.REFUSED);
            return nowMillis;
        }
        long arrival = nowMillis * 1_000_000L;
        long done = Math.max(arrival, busyUntilNanos) + serviceNanos;
        busyUntilNanos = done;
        long answeredAt = (done + 999_999) / 1_000_000;
        if (answeredAt - nowMillis > fetchTimeoutMillis) {
            timeouts[second]++;
            client.fate(Fate.TIMED_OUT);
            return nowMillis + fetchTimeoutMillis;
        }
        client.fate(Fate.ANSWERED);
        // Within the millisecond it arrived: answered at once (the common case, and the cheap one).
        return answeredAt - nowMillis <= 1 ? nowMillis : answeredAt;
    }

    /**
     * The outcome of a request whose fate was decided by {@link #arrive}.
     *
     * @param fate its fate
     * @param sent the validators it presented
     * @param client the verifier asking (its {@code Nohop-Instance}, and its entry in the admin side's table)
     * @param nowMillis when the verifier gets the answer
     * @return what the verifier's transport hands back
     */
    FetchResult outcome(Fate fate, RevalidationHeaders sent, SimulatedVerifier client, long nowMillis) {
        if (fate == Fate.REFUSED) {
            return REFUSED;
        }
        if (fate == Fate.TIMED_OUT) {
            return timedOut;
        }
        int current = publicationAt(nowMillis);
        int second = second(nowMillis);
        Optional<String> etag = sent.etag();
        boolean same = etag.isPresent() && etag.get().equals(publications.get(current).etag());
        if (admin != null) {
            client.tableEntry = admin.answered(client.tableEntry, client.instanceName(), etag, nowMillis, same);
        }
        if (same) {
            notModifiedAnswers[second]++;
            return notModified[current];
        }
        full[second]++;
        return bodies[current];
    }

    /** @return the index of the publication served at {@code nowMillis} */
    int publicationAt(long nowMillis) {
        int current = 0;
        while (current + 1 < publications.size() && publications.get(current + 1).fromMillis() <= nowMillis) {
            current++;
        }
        return current;
    }

    private int second(long nowMillis) {
        return (int) Math.min(requests.length - 1, Math.max(0, (nowMillis - originMillis) / 1000));
    }
}
