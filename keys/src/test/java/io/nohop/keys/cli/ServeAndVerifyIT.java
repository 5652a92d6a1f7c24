package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nohop serve} and {@code nohop verify} as separate processes, driven as a user would. These
 * tests watch other processes react to files and sockets, so they wait on the wall clock (bounded
 * polls); everything that can take a clock is tested with a fake one elsewhere.
 */
class ServeAndVerifyIT {
    private static final String ISSUER = "https://auth.example";
    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "k", "oth");

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopAll() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    private String init(String... extra) throws Exception {
        String store = tmp.resolve("store").toString();
        List<String> args = new ArrayList<>(List.of("init", "--store", store, "--algorithm", "ES256", "--issuer", ISSUER));
        args.addAll(List.of(extra));
        NohopJar.Result r = NohopJar.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return store;
    }

    /** Starts serve and returns its base URL, read from the first stdout line. */
    private String serve(String store, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--store", store, "--port", "0"));
        args.addAll(List.of(extra));
        Process p = NohopJar.start(Map.of(), args.toArray(String[]::new));
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertTrue(first != null && first.matches("listening on http://127\\.0\\.0\\.1:[0-9]+"), String.valueOf(first));
        return first.substring("listening on ".length());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> publishedKids(String base) throws Exception {
        List<String> kids = new ArrayList<>();
        for (Object key : JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(get(base + "/.well-known/jwks.json").body()), "keys")) {
            kids.add((String) ((Map<?, ?>) key).get("kid"));
        }
        return kids;
    }

    private static void within(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static BooleanSupplier unchecked(java.util.concurrent.Callable<Boolean> check) {
        return () -> {
            try {
                return check.call();
            } catch (Exception e) {
                return false;
            }
        };
    }

    private String issue(String store) throws Exception {
        NohopJar.Result r = NohopJar.run("issue", "--store", store, "--subject", "alice", "--audience", "orders");
        assertEquals(0, r.status(), r.err());
        return r.out().trim();
    }

    private String activeKid(String store) throws Exception {
        NohopJar.Result r = NohopJar.run("list", "--store", store, "--json");
        for (Object o : JSONObjectUtils.parse("{\"a\":" + r.out() + "}").get("a") instanceof List<?> l ? l : List.of()) {
            Map<?, ?> m = (Map<?, ?>) o;
            if ("ACTIVE".equals(m.get("state"))) {
                return (String) m.get("kid");
            }
        }
        throw new AssertionError("no active key: " + r.out());
    }

    @Test
    void serve_wildcardBindWithoutPublicUrl_saysJwksUriNamesTheWildcard() throws Exception {
        Process p = NohopJar.start(Map.of(), "serve", "--store", init(), "--bind", "0.0.0.0", "--port", "0");
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertTrue(first != null && first.matches("listening on http://0\\.0\\.0\\.0:[0-9]+"), String.valueOf(first));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String warning = err.readLine();
        String base = first.substring("listening on ".length());
        assertEquals("nohop: serve: /.well-known/openid-configuration names " + base + "/.well-known/jwks.json"
                + " as jwks_uri (the bound address); give --public-url with the URL verifiers reach this server at", warning);
    }

    @Test
    void serve_jwks_neverCarriesPrivateMembers() throws Exception {
        String base = serve(init());
        HttpResponse<String> r = get(base + "/.well-known/jwks.json");
        assertEquals(200, r.statusCode());
        for (Object key : JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(r.body()), "keys")) {
            for (String member : PRIVATE_MEMBERS) {
                assertFalse(((Map<?, ?>) key).containsKey(member), member + " served: " + r.body());
            }
        }
    }

    private HttpResponse<String> send(String method, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serve_httpContract_throughTheJar() throws Exception {
        String base = serve(init(), "--public-url", "https://keys.example/");
        HttpResponse<String> jwks = send("GET", base + "/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode());
        assertEquals("application/json", jwks.headers().firstValue("Content-Type").orElseThrow());
        String etag = jwks.headers().firstValue("ETag").orElseThrow();
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), "strong ETag: " + etag);
        assertTrue(jwks.headers().firstValue("Cache-Control").orElseThrow().matches("public, max-age=[0-9]+.*"));
        assertEquals(304, send("GET", base + "/.well-known/jwks.json", "If-None-Match", etag).statusCode());
        HttpResponse<String> head = send("HEAD", base + "/.well-known/jwks.json");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> openid = send("GET", base + "/.well-known/openid-configuration");
        assertEquals(200, openid.statusCode());
        assertEquals(ISSUER, JSONObjectUtils.parse(openid.body()).get("issuer"));
        assertEquals("https://keys.example/.well-known/jwks.json", JSONObjectUtils.parse(openid.body()).get("jwks_uri"));
        assertEquals(200, send("GET", base + "/healthz").statusCode());
        assertEquals(404, send("GET", base + "/nope").statusCode());
        assertEquals(404, send("DELETE", base + "/nope").statusCode());
        assertEquals(405, send("POST", base + "/.well-known/jwks.json").statusCode());
        assertEquals(405, send("PUT", base + "/healthz").statusCode());
    }

    @Test
    void serve_sigterm_stopsGracefully() throws Exception {
        String base = serve(init());
        assertEquals(200, get(base + "/healthz").statusCode());
        Process p = processes.get(0);
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "serve stops on SIGTERM");
        assertEquals(143, p.exitValue(), "128 + SIGTERM: the JVM ran its shutdown hooks and exited");
    }

    @Test
    void serve_rotateByAnotherProcess_newKeyPublishedWithinTwoSeconds() throws Exception {
        String store = init();
        String base = serve(store);
        assertEquals(1, publishedKids(base).size());
        NohopJar.Result rotated = NohopJar.run("rotate", "--store", store);
        assertEquals(0, rotated.status(), rotated.err());
        within(Duration.ofMillis(2500), unchecked(() -> publishedKids(base).size() == 2), "the new key is published");
    }

    @Test
    void serve_revokeByAnotherProcess_keyGoneWithinTwoSeconds() throws Exception {
        String store = init();
        String base = serve(store);
        String kid = activeKid(store);
        NohopJar.Result revoked = NohopJar.run("revoke", "--store", store, "--kid", kid, "--force", "--reason", "test");
        assertEquals(0, revoked.status(), revoked.err());
        within(Duration.ofMillis(2500), unchecked(() -> !publishedKids(base).contains(kid)), "the revoked key is gone");
    }

    @Test
    void serve_missingStore_failsWithOneLine() throws Exception {
        NohopJar.Result r = NohopJar.run("serve", "--store", tmp.resolve("none").toString(), "--port", "0");
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
    }

    @Test
    void serve_portOutOfRange_usageError() throws Exception {
        assertEquals(2, NohopJar.run("serve", "--store", init(), "--port", "70000").status());
    }

    @Test
    void verify_malformedUri_usageError() throws Exception {
        NohopJar.Result r = NohopJar.run("verify", "--jwks-uri", "not a uri", "--issuer", ISSUER, "--audience", "orders");
        assertEquals(2, r.status(), r.err());
    }

    @Test
    void verify_plainHttpToAnotherHost_usageError() throws Exception {
        NohopJar.Result r = NohopJar.run("verify", "--jwks-uri", "http://keys.example/jwks.json", "--issuer", ISSUER,
                "--audience", "orders");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("https"), r.err());
    }

    /** A running {@code nohop verify}: write lines, read answers. */
    private static final class RunningVerify {
        final Process process;
        final OutputStream in;
        final BufferedReader out;

        RunningVerify(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String answer(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return out.readLine();
        }
    }

    private RunningVerify verify(String base, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("verify", "--jwks-uri", base + "/.well-known/jwks.json",
                "--issuer", ISSUER, "--audience", "orders"));
        args.addAll(List.of(extra));
        if (!args.contains("--startup-timeout")) {
            args.addAll(List.of("--startup-timeout", "20s"));
        }
        Process p = NohopJar.start(Map.of(), args.toArray(String[]::new));
        processes.add(p);
        return new RunningVerify(p);
    }

    @Test
    void endToEnd_initServeIssueVerify_accepts() throws Exception {
        String store = init();
        String base = serve(store);
        RunningVerify v = verify(base);
        String answer = v.answer(issue(store));
        assertTrue(answer.startsWith("{\"valid\":true,\"kid\":\"" + activeKid(store) + "\",\"claims\":{"), answer);
        assertTrue(answer.contains("\"sub\":\"alice\""), answer);
        assertTrue(v.answer("garbage").startsWith("{\"valid\":false,\"error\":\"malformed\""));
        v.in.close();
        assertTrue(v.process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, v.process.exitValue());
    }

    @Test
    void endpointKilled_runningVerifyKeepsAccepting() throws Exception {
        String store = init();
        String base = serve(store);
        RunningVerify v = verify(base, "--min-refresh", "100ms", "--max-refresh", "1s");
        String token = issue(store);
        assertTrue(v.answer(token).startsWith("{\"valid\":true"));
        processes.get(0).destroyForcibly().waitFor();
        // Past several refresh attempts against a dead endpoint: the cached keys still verify.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(v.answer(token).startsWith("{\"valid\":true"));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    @Test
    void endpointDownPastMaxStale_runningVerifyFailsClosedWithKeysUnavailable() throws Exception {
        String store = init();
        String base = serve(store);
        RunningVerify v = verify(base, "--min-refresh", "100ms", "--max-refresh", "1s", "--max-stale", "2s");
        String token = issue(store);
        assertTrue(v.answer(token).startsWith("{\"valid\":true"));
        processes.get(0).destroyForcibly().waitFor();
        within(Duration.ofSeconds(6), unchecked(() -> v.answer(token).contains("\"error\":\"keys_unavailable\"")),
                "tokens are refused once the keys are older than --max-stale");
    }

    @Test
    void revokeWhileServing_runningVerifyRejectsAfterItsNextRefresh() throws Exception {
        String store = init();
        String base = serve(store);
        RunningVerify v = verify(base, "--min-refresh", "100ms", "--max-refresh", "1s");
        String token = issue(store);
        assertTrue(v.answer(token).startsWith("{\"valid\":true"));
        // A successor first: a key set that shrinks to empty is refused by verifiers (they keep the last good set).
        assertEquals(0, NohopJar.run("rotate", "--store", store).status());
        NohopJar.Result revoked = NohopJar.run("revoke", "--store", store, "--kid", activeKid(store), "--reason", "leaked");
        assertEquals(0, revoked.status(), revoked.err());
        within(Duration.ofSeconds(5), unchecked(() -> v.answer(token).contains("\"error\":\"unknown_key\"")),
                "the revoked key's token is rejected");
    }

    @Test
    void verify_instance_namesItselfOnEveryFetch() throws Exception {
        String store = init();
        Path exported = tmp.resolve("jwks.json");
        assertEquals(0, NohopJar.run("export", "--store", store, "--out", exported.toString()).status());
        byte[] jwks = Files.readAllBytes(exported);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/.well-known/jwks.json", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("User-Agent") + " | "
                    + exchange.getRequestHeaders().getFirst("Nohop-Instance"));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        endpoint.start();
        try {
            RunningVerify v = verify("http://127.0.0.1:" + endpoint.getAddress().getPort(), "--instance", "orders-7f9c");
            assertTrue(v.answer(issue(store)).startsWith("{\"valid\":true"));
            v.in.close();
            assertTrue(v.process.waitFor(20, TimeUnit.SECONDS));
        } finally {
            endpoint.stop(0);
        }
        assertFalse(seen.isEmpty());
        for (String headers : seen) {
            assertTrue(headers.matches("nohop/[0-9][^ ]* \\| orders-7f9c"), headers);
        }
    }

    @Test
    void restartDuringOutage_verifyWithCacheFileAcceptsAtOnce() throws Exception {
        String store = init();
        String base = serve(store);
        String cache = tmp.resolve("jwks-cache.json").toString();
        String token = issue(store);
        RunningVerify first = verify(base, "--cache-file", cache);
        assertTrue(first.answer(token).startsWith("{\"valid\":true"));
        first.in.close();
        assertTrue(first.process.waitFor(20, TimeUnit.SECONDS));
        processes.get(0).destroyForcibly().waitFor();
        RunningVerify second = verify(base, "--cache-file", cache, "--startup-timeout", "1s");
        assertTrue(second.answer(token).startsWith("{\"valid\":true"), "restarted verifier uses its cache file");
    }
}
