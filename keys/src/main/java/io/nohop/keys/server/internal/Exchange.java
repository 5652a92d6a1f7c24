package io.nohop.keys.server.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One request as the routes see it (transport-neutral) and the answer they give. Nothing here holds
 * a request body: the endpoint never reads one.
 */
public final class Exchange {
    private Exchange() {
    }

    /**
     * A request's head.
     *
     * @param method the method token as sent
     * @param path the raw path, without query
     * @param ifNoneMatch every {@code If-None-Match} header value
     * @param instance the {@code Nohop-Instance} header, or null
     * @param userAgent the {@code User-Agent} header, or null
     * @param remoteAddress the client's address (text), for keying clients that do not name themselves
     */
    public record Request(String method, String path, List<String> ifNoneMatch, String instance, String userAgent,
                          String remoteAddress) {
        /**
         * Returns whether the method is HEAD.
         *
         * @return whether the method is HEAD
         */
        public boolean head() {
            return "HEAD".equals(method);
        }
    }

    /**
     * An answer. For HEAD the transport sends the headers (with the body's length) and no body.
     *
     * @param status the status code
     * @param headers name, value, name, value, ... in order
     * @param body the body (empty for none)
     */
    public record Response(int status, List<String> headers, byte[] body) {
        /**
         * Starts an answer.
         *
         * @param status the status code
         * @return a builder
         */
        public static Builder status(int status) {
            return new Builder(status);
        }
    }

    /** Collects an answer's headers in order. */
    public static final class Builder {
        private final int status;
        private final List<String> headers = new ArrayList<>(12);

        Builder(int status) {
            this.status = status;
        }

        /**
         * Adds a header.
         *
         * @param name the name
         * @param value the value
         * @return this
         */
        public Builder header(String name, String value) {
            headers.add(name);
            headers.add(value);
            return this;
        }

        /**
         * Finishes with a body.
         *
         * @param body the body
         * @return the answer
         */
        public Response body(byte[] body) {
            return new Response(status, List.copyOf(headers), body);
        }

        /**
         * Finishes without a body.
         *
         * @return the answer
         */
        public Response noBody() {
            return body(new byte[0]);
        }
    }

    /** Answers requests; called on an I/O thread, so it must not block. */
    @FunctionalInterface
    public interface Routes {
        /**
         * Answers one request.
         *
         * @param request the request's head
         * @return the answer
         */
        Response answer(Request request);
    }
}
