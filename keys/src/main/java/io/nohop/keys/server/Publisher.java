package io.nohop.keys.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.StoreException;
import io.nohop.keys.internal.LogSafe;
import io.nohop.keys.server.internal.PublicationHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps what the endpoint serves in step with its source: asks the source on every reload, renders a
 * changed publication once and records it in the publication history, and keeps the last good
 * {@link Rendering} in service while the source fails, remembering why for {@code /healthz}.
 */
final class Publisher {
    // The endpoint's messages keep the server's logger name: it shows in every log line and logging setups select by it.
    private static final Logger LOG = LoggerFactory.getLogger(JwksServer.class);

    private final PublicationSource source;
    private final Clock clock;
    private final PublicationHistory history;
    private volatile String publicUrl;
    private volatile Rendering rendered;
    private volatile String lastError;
    private volatile String lastErrorMessage;
    // The reload thread's own: how many reloads in a row failed with lastErrorMessage, and whether the sink was told.
    // A failure is told only when the next reload sees it too: a writing command caught between its two writes (a
    // revoke's record written, its new set not yet) is not an operator's problem and is gone a reload later.
    private int sameFailures;
    private boolean failureTold;
    private final Consumer<String> problems;
    /** The longest store message told or logged whole; past it, cut and marked. */
    private static final int MAX_PROBLEM_CHARS = 600;

    /**
     * Starts with the first rendering in service (without its OpenID document until {@link #servedAt}).
     *
     * @param source what to publish
     * @param clock decides what is published
     * @param first the first publication, rendered
     */
    Publisher(PublicationSource source, Clock clock, Rendering first, Consumer<String> problems) {
        this.source = source;
        this.problems = problems;
        this.clock = clock;
        this.history = new PublicationHistory(first.etag(), kidsOf(first.publication()), first.renderedAt());
        if (first.signedJwks().length > 0) {
            history.alias(first.signedEtag());
        }
        this.rendered = first;
    }

    /**
     * Names the URL the OpenID document announces, once binding has made it known, and renders that document.
     * Called before the first {@link #reload()}.
     */
    void servedAt(String url) {
        this.publicUrl = url;
        this.rendered = rendered.withOpenid(url);
    }

    /** The rendering in service. */
    Rendering rendered() {
        return rendered;
    }

    /** Why the last reload failed ({@code store_unreadable} or {@code source_failed}), or null if it did not. */
    String lastError() {
        return lastError;
    }

    /** The publications served so far, by generation. */
    PublicationHistory history() {
        return history;
    }

    /** Asks the source again and swaps in a new rendering if anything changed; never throws. */
    void reload() {
        Instant now = clock.instant();
        try {
            Publication p = source.publicationAt(now);
            Rendering current = rendered;
            if (!p.equals(current.publication())) {
                Rendering next = Rendering.of(p, now, current.generation());
                if (!next.etag().equals(current.etag())) {
                    long generation = history.publish(next.etag(), kidsOf(p), now).generation();
                    next = Rendering.of(p, now, generation);
                    LOG.info("publishing {} keys (active {}), ETag {}", p.keyCount(), p.activeKid().orElse("none"),
                            next.etag());
                } else {
                    // The same keys (a re-signed set, say): same generation, the new signed document.
                    next = new Rendering(p, current.jwks(), current.etag(), current.openid(), current.renderedAt(),
                            current.generation(), next.signedJwks(), next.signedEtag());
                }
                if (next.signedJwks().length > 0) {
                    history.alias(next.signedEtag());
                }
                rendered = next.withOpenid(publicUrl);
            }
            if (lastError != null) {
                LOG.info("store readable again");
                if (failureTold) {
                    tell("the keys can be read again; publishing what the store holds now");
                }
                lastError = null;
                lastErrorMessage = null;
            }
            sameFailures = 0;
            failureTold = false;
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!message.equals(lastErrorMessage)) {
                LOG.warn("cannot read the keys; still serving the last good key set: {}", problemText(message));
                sameFailures = 0;
            }
            if (++sameFailures == 2) {
                tell("cannot read the keys; still serving the last good key set: " + problemText(message));
                failureTold = true;
            }
            lastErrorMessage = message;
            lastError = e instanceof StoreException || e instanceof IOException || e instanceof UncheckedIOException
                    ? "store_unreadable" : "source_failed";
        } catch (Error e) {
            // Keep the timer alive whatever happens; the server keeps serving what it has.
            LOG.error("unexpected error while reloading; still serving the last good key set", e);
        }
    }

    /**
     * The store's message, printable and bounded: its own sentences name the file and the command that repairs it,
     * which the 200 characters of an access-log field would cut (an attacker's text inside stays bounded).
     */
    private static String problemText(String message) {
        return LogSafe.printable(message, MAX_PROBLEM_CHARS) + (message.length() > MAX_PROBLEM_CHARS ? "..." : "");
    }

    private void tell(String line) {
        try {
            problems.accept(line);
        } catch (RuntimeException e) {
            // The reload keeps its schedule whatever the sink does.
        }
    }

    /** The kids a publication's JWKS names, in order; none if it cannot be read (it is served regardless). */
    private static List<String> kidsOf(Publication p) {
        List<String> kids = new ArrayList<>();
        try {
            for (Map<String, Object> key : JSONObjectUtils.getJSONObjectArray(JSONObjectUtils.parse(p.jwksJson()), "keys")) {
                Object kid = key.get("kid");
                if (kid instanceof String k) {
                    kids.add(k);
                }
            }
        } catch (java.text.ParseException | RuntimeException e) {
            LOG.debug("the published JWKS lists no readable kids: {}", e.toString());
        }
        return kids;
    }
}
