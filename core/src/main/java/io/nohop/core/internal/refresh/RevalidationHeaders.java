package io.nohop.core.internal.refresh;

import java.net.http.HttpHeaders;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ETag} and {@code Last-Modified} of the document held (what RFC 9110 calls its validators),
 * sent back as {@code If-None-Match} / {@code If-Modified-Since} so that an unchanged key set costs the
 * endpoint a 304 and no body. Public (in this unexported package) only as part of the
 * {@link KeySetTransport} seam.
 *
 * @param etag the {@code ETag} the endpoint sent, verbatim
 * @param lastModified the {@code Last-Modified} the endpoint sent, verbatim
 */
public record RevalidationHeaders(Optional<String> etag, Optional<String> lastModified) {
    /** Nothing to send: the next request is unconditional. */
    public static final RevalidationHeaders NONE = new RevalidationHeaders(Optional.empty(), Optional.empty());

    // A header value longer than this is not a sane validator; sending it back would only cost bytes.
    private static final int MAX_LENGTH = 512;

    /** Checks that nothing is null. */
    public RevalidationHeaders {
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
    }

    /**
     * @param headers a response's headers
     * @return its usable validators (visible ASCII, at most 512 characters each)
     */
    public static RevalidationHeaders of(HttpHeaders headers) {
        return new RevalidationHeaders(usable(headers.firstValue("ETag")), usable(headers.firstValue("Last-Modified")));
    }

    /** Keeps what a 304 did not repeat (RFC 9110 lets it omit unchanged validators). */
    RevalidationHeaders updatedBy(RevalidationHeaders fromNotModified) {
        Optional<String> newEtag = fromNotModified.etag.isPresent() ? fromNotModified.etag : etag;
        Optional<String> newLastModified = fromNotModified.lastModified.isPresent() ? fromNotModified.lastModified
                : lastModified;
        // The usual 304 repeats what is held: keep this object rather than make an equal one per refresh.
        return newEtag.equals(etag) && newLastModified.equals(lastModified) ? this
                : new RevalidationHeaders(newEtag, newLastModified);
    }

    boolean isEmpty() {
        return etag.isEmpty() && lastModified.isEmpty();
    }

    private static Optional<String> usable(Optional<String> value) {
        return value.filter(v -> !v.isEmpty() && v.length() <= MAX_LENGTH && isVisibleAscii(v));
    }

    // Echoed into a request header: refuse anything the HttpClient would reject.
    private static boolean isVisibleAscii(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
