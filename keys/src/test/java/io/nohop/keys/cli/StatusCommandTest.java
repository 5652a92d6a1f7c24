package io.nohop.keys.cli;

import io.nohop.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code nohop status}, and rotate/revoke with {@code --admin-url}, against a real endpoint on loopback. */
class StatusCommandTest {

    record Result(int status, String out, String err) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String store;
    JwksServer server;
    String admin;

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, Map.of("NOHOP_PASSPHRASE", "pw"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void start() throws Exception {
        store = tmp.resolve("store").toString();
        assertEquals(0, run("init", "--store", store, "--algorithm", "es256").status());
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = JwksServer.start(loopback, StorePublication.of(Path.of(store), clock),
                new JwksServer.Settings().clock(clock).adminAddress(loopback).reloadInterval(Duration.ofMinutes(1)));
        admin = server.adminUrl().orElseThrow();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void poll(String instance) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.boundUrl() + JwksServer.JWKS_PATH))
                .header("Nohop-Instance", instance).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
    }

    /** The kid of the store's {@code index}-th key, in creation order. */
    private String kids(int index) throws Exception {
        List<Object> keys = JSONArrayUtils.parse(run("list", "--store", store, "--json").out());
        return (String) ((Map<?, ?>) keys.get(index)).get("kid");
    }

    /** One instance on the first key set; a rotation 45 min later; two instances on the new set. */
    private void fleetAcrossARotation() throws Exception {
        clock.advance(Duration.ofMinutes(5));
        poll("orders-7f9c");
        clock.advance(Duration.ofMinutes(45));
        assertEquals(0, run("rotate", "--store", store).status());
        server.reload();
        clock.advance(Duration.ofMinutes(5));
        poll("billing-1");
        poll("search-2");
        clock.advance(Duration.ofMinutes(2));
    }

    @Test
    void status_human_aSentencePerKeyAndASummary() throws Exception {
        fleetAcrossARotation();
        Result r = run("status", "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(
                "key " + kids(0) + " (ACTIVE) published 57 min ago, held by 3 of 3 instances seen in the last hour; all have it",
                "key " + kids(1) + " (PENDING) published 7 min ago, held by 2 of 3 instances seen in the last hour;"
                        + " 1 has not polled since; slowest: orders-7f9c, 52 min",
                "3 instances seen in the last hour, 66.7 % on the current key set; 2 are expected to have polled"
                        + " again within 3 min, 1 is overdue (no poll for more than 1.5 poll intervals: stopped, or cut off"
                        + " from the endpoint)"), r.outLines());
    }

    @Test
    void status_everyInstanceWithinItsInterval_everyOneExpected() throws Exception {
        poll("billing-1");
        clock.advance(Duration.ofMinutes(1));
        poll("search-2");
        Result r = run("status", "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.outLines().get(r.outLines().size() - 1).endsWith(
                "; every one is expected to have polled again within 5 min"), r.out());
    }

    @Test
    void status_expectedWithinUnderASecond_roundedUpNotToZero() throws Exception {
        poll("billing-1");
        clock.advance(Duration.ofMillis(299_400)); // the max-age sent is 5 min: due in 0.6 s
        Result r = run("status", "--admin-url", admin);
        assertTrue(r.outLines().get(r.outLines().size() - 1).endsWith("expected to have polled again within 1 s"), r.out());
    }

    @Test
    void status_everyInstanceOverdue_noneExpected() throws Exception {
        poll("orders-7f9c");
        clock.advance(Duration.ofMinutes(20));
        Result r = run("status", "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.outLines().get(r.outLines().size() - 1).endsWith(
                "; it is overdue (no poll for more than 1.5 poll intervals: stopped, or cut off from the endpoint)"), r.out());
        Map<String, Object> summary = JSONObjectUtils.getJSONObject(
                JSONObjectUtils.parse(run("status", "--admin-url", admin, "--json").out()), "summary");
        assertEquals(1L, ((Number) summary.get("overdueInstances")).longValue());
        assertEquals(null, summary.get("expectedFleetPollWithinSeconds"));
    }

    @Test
    void rotate_withAdminUrl_overdueInstancesNotCountedAsExpected() throws Exception {
        poll("orders-7f9c");
        clock.advance(Duration.ofMinutes(20));
        poll("billing-1");
        clock.advance(Duration.ofMinutes(1));
        Result r = run("rotate", "--store", store, "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        String fleet = r.outLines().get(1);
        assertTrue(fleet.startsWith("fleet: 1 instance seen in the last hour is expected to hold key " + kids(1)
                + " within 4 min"), fleet);
        assertTrue(fleet.endsWith("; 1 more is overdue (no poll for more than 1.5 poll intervals: stopped, or cut off"
                + " from the endpoint) and may never fetch it"), fleet);
    }

    @Test
    void rotate_withAdminUrl_everyInstanceOverdue_noneExpectedToFetch() throws Exception {
        poll("orders-7f9c");
        clock.advance(Duration.ofMinutes(20));
        Result r = run("rotate", "--store", store, "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.outLines().get(1).startsWith("fleet: the 1 instance seen in the last hour is overdue")
                && r.outLines().get(1).endsWith("so none is expected to fetch key " + kids(1)), r.out());
    }

    @Test
    void status_json_theEndpointsDocumentOnOneLine() throws Exception {
        fleetAcrossARotation();
        Result r = run("status", "--admin-url", admin + "/", "--json");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.outLines().size());
        Map<String, Object> summary = JSONObjectUtils.getJSONObject(JSONObjectUtils.parse(r.out()), "summary");
        assertEquals(3L, ((Number) summary.get("instancesSeen")).longValue());
        assertEquals(2L, ((Number) summary.get("onCurrentSet")).longValue());
    }

    @Test
    void status_noInstanceYet_saysSo() {
        Result r = run("status", "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("no instance has polled in the last hour"), r.out());
    }

    @Test
    void status_unreachableAdminUrl_exit1WithOneLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Result r = run("status", "--admin-url", "http://127.0.0.1:" + closedPort);
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertEquals("nohop: cannot reach the admin listener at http://127.0.0.1:" + closedPort + ": connection refused",
                r.errLines().get(0));
    }

    @Test
    void unreachable_nameThatDoesNotResolve_saidSo_notConnectionRefused() {
        // The JDK's client throws a ConnectException for both; only the cause tells them apart.
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new ConnectException());
        unresolved.getCause().initCause(new java.nio.channels.UnresolvedAddressException());
        ConnectException refused = new ConnectException();
        refused.initCause(new java.nio.channels.ClosedChannelException());
        assertTrue(HttpProbe.unresolved(unresolved));
        assertFalse(HttpProbe.unresolved(refused));
    }

    @Test
    void status_publicUrlInsteadOfAdmin_exit1SaysWhichAnswer() {
        Result r = run("status", "--admin-url", server.boundUrl());
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("answered HTTP 404"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:1", "not a url", "/status", "http:///x"})
    void status_malformedAdminUrl_usageError(String url) {
        Result r = run("status", "--admin-url", url);
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: --admin-url"), r.err());
    }

    @Test
    void status_withoutAdminUrl_usageError() {
        assertEquals(2, run("status").status());
    }

    @Test
    void rotate_withAdminUrl_printsWhenTheFleetIsExpectedToHoldTheKey() throws Exception {
        poll("orders-7f9c");
        clock.advance(Duration.ofMinutes(1));
        Result r = run("rotate", "--store", store, "--admin-url", admin);
        assertEquals(0, r.status(), r.err());
        assertEquals(2, r.outLines().size(), r.out());
        assertTrue(r.outLines().get(1).startsWith("fleet: 1 instance seen in the last hour is expected to hold key "
                + kids(1) + " within 4 min (by 2030-01-01T00:05:02Z), judging by the max-age sent"), r.out());
    }

    @Test
    void rotate_malformedAdminUrl_usageErrorAndNothingRotated() throws Exception {
        Result r = run("rotate", "--store", store, "--admin-url", "keys.internal:9100");
        assertEquals(2, r.status(), r.err());
        assertEquals(1, run("list", "--store", store, "--json").out().split("\"kid\"").length - 1);
    }

    @Test
    void revoke_unreachableAdminUrl_revokesAnywayAndWarnsOnOneLine() throws Exception {
        assertEquals(0, run("rotate", "--store", store, "--publish-lead", "0s", "--force").status());
        String first = kids(0);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Result r = run("revoke", "--store", store, "--kid", first, "--admin-url", "http://127.0.0.1:" + closedPort);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("revoked key " + first), r.out());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: warning: cannot reach the admin listener"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x:y", "1:2:3", "[::1]", "70000", "127.0.0.1:-1"})
    void serve_malformedAdminBind_usageError(String bind) {
        Result r = run("serve", "--store", store, "--admin-bind", bind);
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: --admin-bind"), r.err());
    }
}
