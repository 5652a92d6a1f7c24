package io.nohop.keys.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The request's {@code Host} field as RFC 9112 §3.2 requires it, the listening address as it was asked
 * for, the public URL's form, and that close leaves no thread behind. One server for the request cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestHostAndAddressTest {
    private static final String DOC = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\"}]}";
    private static final Publication PUBLICATION =
            new Publication(DOC, 1, Optional.of("a"), Optional.empty(), Optional.of("https://auth.example"));

    private JwksServer server;

    @BeforeAll
    void start() throws Exception {
        server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), now -> PUBLICATION,
                new JwksServer.Settings());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** Sends {@code head} to {@code to} on a new connection and returns the whole answer (the server closes). */
    private static String answer(JwksServer to, String head) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to.address(), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The status line of the answer to {@code head} (which asks the server to close). */
    private String statusLine(String head) throws IOException {
        String answer = answer(server, head);
        return answer.substring(0, Math.max(0, answer.indexOf('\r')));
    }

    @Test
    void http11_oneHost_answered200() throws IOException {
        assertEquals("HTTP/1.1 200 OK", statusLine("GET /.well-known/jwks.json HTTP/1.1\r\nHost: [::1]:8080\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void http11_withoutHost_answered400() throws IOException {
        assertEquals("HTTP/1.1 400 Bad Request", statusLine("GET /.well-known/jwks.json HTTP/1.1\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void twoHostFields_answered400() throws IOException {
        assertEquals("HTTP/1.1 400 Bad Request",
                statusLine("GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a@b", "a\"b", "a<b>", "a\\b"})
    void hostValueNotAHostAndPort_answered400(String host) throws IOException {
        assertEquals("HTTP/1.1 400 Bad Request",
                statusLine("GET /.well-known/jwks.json HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void emptyHost_answered200() throws IOException {
        // RFC 9110 §7.2: a target without an authority is sent with an empty Host.
        assertEquals("HTTP/1.1 200 OK", statusLine("GET /.well-known/jwks.json HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n"));
    }

    @Test
    void http10_withoutHost_answered200() throws IOException {
        assertEquals("HTTP/1.1 200 OK", statusLine("GET /.well-known/jwks.json HTTP/1.0\r\n\r\n"));
    }

    @Test
    void ipv4Wildcard_listensOnIpv4Only_andSaysSo() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        assumeTrue(ipv6Available(), "this machine has no IPv6 loopback, so an IPv6 listener cannot be told apart");
        try (JwksServer wildcard = JwksServer.start(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0),
                now -> PUBLICATION, new JwksServer.Settings())) {
            int port = wildcard.address().getPort();
            assertEquals("http://0.0.0.0:" + port, wildcard.boundUrl());
            try (Socket ipv4 = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                assertTrue(ipv4.isConnected());
            }
            assertThrows(ConnectException.class, () -> new Socket(ipv6Loopback, port).close());
        }
    }

    private static boolean ipv6Available() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .anyMatch(a -> a instanceof Inet6Address && a.isLoopbackAddress());
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void close_leavesNoThreadBehind_notEvenNettysHelper() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        JwksServer other = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), now -> PUBLICATION,
                new JwksServer.Settings().adminAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        assertTrue(answer(other, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200"));
        other.close();
        java.util.List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t)).map(Thread::getName).toList();
        assertEquals(java.util.List.of(), left);
    }

    @Test
    void ipv6Address_writtenCompressed() {
        assertEquals("::1", JwksServer.compressed("0:0:0:0:0:0:0:1"));
        assertEquals("::", JwksServer.compressed("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::1", JwksServer.compressed("fe80:0:0:0:0:0:0:1%lo"));
        assertEquals("2001:db8::1:0:0:1", JwksServer.compressed("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", JwksServer.compressed("2001:db8:0:1:1:1:1:1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://keys.example/", "keys.example", "/relative", "https://keys.example/?q=1",
            "https://keys.example/#f", "https://user:pw@keys.example/", "https://", "http://[::1:9/", "https://keys example/"})
    void publicUrl_notAnHttpUrlWithoutQueryFragmentOrUserInfo_refusedNamingIt(String url) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JwksServer.Settings().publicUrl(url));
        assertTrue(e.getMessage().contains(url), e.getMessage());
    }

    @Test
    void publicUrl_withPathPrefixAndTrailingSlashes_jwksUriHasOneSlash() throws Exception {
        try (JwksServer behindProxy = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                now -> PUBLICATION, new JwksServer.Settings().publicUrl("HTTPS://gateway.example/auth//"))) {
            String answer = answer(behindProxy,
                    "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(answer.contains("\"jwks_uri\":\"HTTPS://gateway.example/auth/.well-known/jwks.json\""), answer);
        }
    }
}
