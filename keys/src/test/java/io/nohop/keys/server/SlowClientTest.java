package io.nohop.keys.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Clients that send slowly, partly or nothing cannot stall the endpoint: a legitimate GET is still
 * answered (a bounded wait, not a speed check), and the bad connection is closed within its bound.
 * Raw sockets on loopback; one I/O thread, so a client that held a thread would stall the rest.
 */
class SlowClientTest {
    private static final String DOC = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"}]}";
    private static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(800);
    /** How long past its bound a connection may take to be seen closed on a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final String HALF_REQUEST = "GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nX-Slow: ";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> sockets = new ArrayList<>();
    private JwksServer server;

    private JwksServer start(JwksServer.Settings settings) throws Exception {
        Publication p = new Publication(DOC, 1, Optional.of("a"), Optional.empty(), Optional.empty());
        server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), now -> p,
                settings.threads(1).requestHeaderTimeout(HEADER_TIMEOUT).idleTimeout(IDLE_TIMEOUT));
        return server;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(server.address(), 5000);
        return s;
    }

    private Socket send(String text) throws IOException {
        Socket s = connect();
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** A legitimate fetch on a new connection, with a bounded wait. */
    private void assertLegitGetAnswered() throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create(server.boundUrl() + JwksServer.JWKS_PATH))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(DOC, r.body());
    }

    /** Reads until the server closes the connection; fails if it is still open after {@code bound} + slack. */
    private static String awaitClosed(Socket s, Duration bound) throws IOException {
        s.setSoTimeout((int) bound.plus(SLACK).toMillis());
        InputStream in = s.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                seen.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            fail("connection still open " + bound.plus(SLACK) + " after its bound of " + bound + "; read: " + seen);
        } catch (SocketException e) {
            // Reset by the server: closed as well.
        }
        return seen.toString();
    }

    @Test
    void halfSentRequests_legitGetAnswered_andEachClosedWithinHeaderTimeout() throws Exception {
        start(new JwksServer.Settings());
        List<Socket> half = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            half.add(send(HALF_REQUEST));
        }
        assertLegitGetAnswered();
        for (Socket s : half) {
            assertEquals("", awaitClosed(s, HEADER_TIMEOUT));
        }
    }

    @Test
    void idleConnections_legitGetAnswered_andEachClosedWithinHeaderTimeout() throws Exception {
        start(new JwksServer.Settings());
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            idle.add(connect());
        }
        assertLegitGetAnswered();
        for (Socket s : idle) {
            assertEquals("", awaitClosed(s, HEADER_TIMEOUT));
        }
    }

    @Test
    void clientSendingNothing_holdsNoThread_theOnlyIoThreadStillAnswers() throws Exception {
        start(new JwksServer.Settings().requestHeaderTimeout(Duration.ofMinutes(5)).idleTimeout(Duration.ofMinutes(5)));
        Socket silent = connect();
        assertLegitGetAnswered();
        assertLegitGetAnswered();
        assertTrue(silent.isConnected());
    }

    @Test
    void oversizedHeader_answered431AndClosed() throws Exception {
        start(new JwksServer.Settings().maxRequestHeaderBytes(2048));
        Socket s = send("GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(4096) + "\r\n\r\n");
        String answer = awaitClosed(s, HEADER_TIMEOUT);
        assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        assertLegitGetAnswered();
    }

    @Test
    void oversizedRequestLine_answered414AndClosed() throws Exception {
        start(new JwksServer.Settings().maxRequestHeaderBytes(2048));
        Socket s = send("GET /" + "a".repeat(4096) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        String answer = awaitClosed(s, HEADER_TIMEOUT);
        assertTrue(answer.startsWith("HTTP/1.1 414 "), answer);
    }

    @Test
    void slowlorisDrip_closedWithinHeaderTimeoutThoughBytesKeepComing() throws Exception {
        start(new JwksServer.Settings());
        Socket s = send(HALF_REQUEST);
        s.setSoTimeout(100);
        OutputStream out = s.getOutputStream();
        boolean closed = false;
        // One byte per 100 ms read timeout: far more often than any idle bound, for at most bound + slack.
        long deadline = System.nanoTime() + HEADER_TIMEOUT.plus(SLACK).toNanos();
        while (!closed && System.nanoTime() < deadline) {
            try {
                out.write('a');
                out.flush();
                closed = s.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                // still open: drip again
            } catch (SocketException e) {
                closed = true;
            }
        }
        assertTrue(closed, "a dripping request head was not cut off");
        assertLegitGetAnswered();
    }

    @Test
    void idleKeepAliveConnection_closedAfterIdleTimeout() throws Exception {
        start(new JwksServer.Settings());
        Socket s = send("GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n\r\n");
        String answer = awaitClosed(s, IDLE_TIMEOUT);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.endsWith(DOC), answer);
    }

    @Test
    void pipelinedRequests_eachAnsweredInOrder() throws Exception {
        start(new JwksServer.Settings());
        Socket s = send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String answer = awaitClosed(s, IDLE_TIMEOUT);
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.indexOf("\"status\":\"ok\"") < answer.indexOf(DOC), answer);
    }

    @Test
    void requestAnnouncingBody_answeredAndClosed_bodyNeverRead() throws Exception {
        start(new JwksServer.Settings());
        Socket s = send("POST /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{\"keys\":");
        String answer = awaitClosed(s, IDLE_TIMEOUT);
        assertTrue(answer.startsWith("HTTP/1.1 405 "), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
    }

    @Test
    void connectionsOverLimit_closedAsTheyArrive() throws Exception {
        start(new JwksServer.Settings().maxConnections(4).requestHeaderTimeout(Duration.ofMinutes(5)));
        for (int i = 0; i < 4; i++) {
            connect();
        }
        Socket fifth = send("GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("", awaitClosed(fifth, Duration.ZERO));
    }
}
