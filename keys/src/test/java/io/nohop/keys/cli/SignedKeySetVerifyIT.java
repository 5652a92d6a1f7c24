package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 10's proof through {@code java -jar keys/target/nohop.jar verify --key-set-signer FILE}: a fake
 * key endpoint on loopback (in this JVM) serves crafted documents — a flipped signature byte, attacker
 * keys re-signed by an attacker root, an unsigned JWKS, a missing or other {@code typ}, a set past its
 * {@code exp}, a replayed older set — and a tampered cache file meets a verifier whose endpoint is down.
 * In every case no token the attacker mints is accepted, and genuine tokens keep verifying where they
 * should. Also hole 1 (a plain JWKS cache file holding attacker keys and the endpoint's public ETag)
 * through the jar: it lasts one fetch.
 *
 * <p>The verifiers run on the wall clock in child JVMs, refreshing every 100–500 ms; the tests wait for
 * what the fake endpoint has served (bounded polls), not for time.
 */
class SignedKeySetVerifyIT {
    private static final String ISSUER = "https://auth.example";
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ECKey root = key(null, true);
    private final ECKey attackerRoot = key(null, true);
    private final ECKey genuineKey = key("key-1", false);
    private final ECKey attackerKey = key("mallory", false);

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private static ECKey key(String kid, boolean root) {
        try {
            ECKeyGenerator generator = new ECKeyGenerator(Curve.P_256);
            generator.algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE);
            return root ? generator.keyIDFromThumbprint(true).generate() : generator.keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------ documents

    private static String sign(ECKey signer, JWSHeader header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(new ECDSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWSHeader.Builder header(ECKey signer) {
        return new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signer.getKeyID()).type(new JOSEObjectType("jwk-set+jwt"));
    }

    private static JWTClaimsSet.Builder claims(Instant issuedAt, Instant expiresAt, ECKey... keys) {
        List<Object> jwks = new ArrayList<>();
        for (ECKey k : keys) {
            jwks.add(k.toPublicJWK().toJSONObject());
        }
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject(ISSUER).issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt)).claim("keys", jwks);
    }

    private String genuineSet(Instant issuedAt, Instant expiresAt) {
        return sign(root, header(root).build(), claims(issuedAt, expiresAt, genuineKey).build());
    }

    private static String token(ECKey key) {
        Instant now = Instant.now();
        return sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("orders").subject("s").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(600))).build());
    }

    /** What an attacker who controls the endpoint, a mirror or a proxy may serve; each holds their key. */
    enum Crafted {
        FLIPPED_SIGNATURE_BYTE, ATTACKER_ROOT, UNSIGNED_JWKS, TYP_MISSING, TYP_JWT, PAST_EXP;

        String document(SignedKeySetVerifyIT t) {
            Instant now = Instant.now();
            JWTClaimsSet withAttackerKey = claims(now, now.plus(Duration.ofDays(1)), t.genuineKey, t.attackerKey).build();
            switch (this) {
                case FLIPPED_SIGNATURE_BYTE: {
                    String set = sign(t.root, header(t.root).build(), withAttackerKey);
                    int at = set.lastIndexOf('.') + 1;
                    return set.substring(0, at) + (set.charAt(at) == 'A' ? 'B' : 'A') + set.substring(at + 1);
                }
                case ATTACKER_ROOT:
                    return sign(t.attackerRoot, header(t.attackerRoot).build(), withAttackerKey);
                case UNSIGNED_JWKS:
                    return new JWKSet(List.of(t.genuineKey.toPublicJWK(), t.attackerKey.toPublicJWK())).toString();
                case TYP_MISSING:
                    return sign(t.root, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(t.root.getKeyID()).build(),
                            withAttackerKey);
                case TYP_JWT:
                    return sign(t.root, header(t.root).type(JOSEObjectType.JWT).build(), withAttackerKey);
                default:
                    return sign(t.root, header(t.root).build(), claims(now.minus(Duration.ofDays(8)),
                            now.minusSeconds(1), t.genuineKey, t.attackerKey).build());
            }
        }
    }

    // ------------------------------------------------------------------------------------ the fake endpoint

    /** A document and how many times it has been answered (200 or 304). */
    private record Served(byte[] body, String etag, AtomicInteger count) {
    }

    /** A key endpoint on loopback serving whatever the test sets, with a strong ETag and 304s. */
    private static final class FakeEndpoint implements AutoCloseable {
        static final String PATH = "/.well-known/jwks.jwt";
        private final HttpServer server;
        private final AtomicReference<Served> current = new AtomicReference<>();

        FakeEndpoint(InetSocketAddress address) throws IOException {
            server = HttpServer.create(address, 16);
            server.createContext(PATH, exchange -> {
                Served served = current.get();
                try (exchange) {
                    if (served == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    served.count().incrementAndGet();
                    exchange.getResponseHeaders().set("ETag", served.etag());
                    exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+jwt");
                    if (served.etag().equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                        exchange.sendResponseHeaders(304, -1);
                        return;
                    }
                    exchange.sendResponseHeaders(200, served.body().length);
                    exchange.getResponseBody().write(served.body());
                }
            });
            server.start();
        }

        static FakeEndpoint start() throws IOException {
            return new FakeEndpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        String uri() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
        }

        /** Serves {@code document} from now on; returns its counter of answers. */
        AtomicInteger serve(String document) {
            Served served = new Served(document.getBytes(StandardCharsets.UTF_8),
                    "\"" + Integer.toHexString(document.hashCode()) + "\"", new AtomicInteger());
            current.set(served);
            return served.count();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private FakeEndpoint endpoint() throws IOException {
        FakeEndpoint endpoint = FakeEndpoint.start();
        closeables.add(endpoint);
        return endpoint;
    }

    // ------------------------------------------------------------------------------------ nohop verify

    /** A running {@code nohop verify}: write lines, read answers; stderr is drained into a buffer. */
    private static final class RunningVerify {
        final Process process;
        final OutputStream in;
        final BufferedReader out;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        RunningVerify(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Thread drain = new Thread(() -> {
                try (InputStream e = process.getErrorStream()) {
                    e.transferTo(err);
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "verify-stderr");
            drain.setDaemon(true);
            drain.start();
        }

        String answer(String token) throws IOException {
            in.write((token + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line = out.readLine();
            assertTrue(line != null, "verify answered; stderr: " + stderr());
            return line;
        }

        boolean valid(String token) throws IOException {
            return answer(token).startsWith("{\"valid\":true");
        }

        String error(String token) throws IOException {
            String answer = answer(token);
            int at = answer.indexOf("\"error\":\"");
            return at < 0 ? "valid" : answer.substring(at + 9, answer.indexOf('"', at + 9));
        }

        void stop() throws Exception {
            in.close();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "verify exits when stdin closes");
        }

        /** @return stderr's first line, waiting (bounded) for the drain to have copied it */
        String stderrLine() {
            within(LIMIT, () -> err.toString(StandardCharsets.UTF_8).contains("\n"), "a line on stderr");
            return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** The root's public JWK in a file, as {@code nohop root-key > root.jwk} writes it. */
    private Path rootFile(ECKey pinned) throws IOException {
        Path file = tmp.resolve("root-" + pinned.getKeyID() + ".jwk");
        Files.writeString(file, pinned.toPublicJWK().toJSONString() + "\n");
        return file;
    }

    private RunningVerify verify(String uri, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("verify", "--jwks-uri", uri, "--issuer", ISSUER,
                "--audience", "orders", "--min-refresh", "100ms", "--max-refresh", "500ms"));
        args.addAll(List.of(extra));
        if (!args.contains("--startup-timeout")) {
            args.addAll(List.of("--startup-timeout", "20s"));
        }
        Process p = NohopJar.start(Map.of(), args.toArray(String[]::new));
        processes.add(p);
        return new RunningVerify(p);
    }

    private RunningVerify pinnedVerify(String uri, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--key-set-signer", rootFile(root).toString()));
        args.addAll(List.of(extra));
        return verify(uri, args.toArray(String[]::new));
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

    /** Waits until the endpoint answered with the current document at least {@code n} times. */
    private static void servedAtLeast(AtomicInteger count, int n) {
        within(LIMIT, () -> count.get() >= n, "the verifier fetched the document " + n + " times");
    }

    // ------------------------------------------------------------------------------------ tests

    @ParameterizedTest(name = "{0}")
    @EnumSource(Crafted.class)
    void craftedDocumentFromTheEndpoint_refused_attackerTokensNeverValid_genuineKeepVerifying(Crafted crafted)
            throws Exception {
        FakeEndpoint endpoint = endpoint();
        Instant now = Instant.now();
        endpoint.serve(genuineSet(now, now.plus(Duration.ofDays(1))));
        RunningVerify verify = pinnedVerify(endpoint.uri());
        String genuine = token(genuineKey);
        String forged = token(attackerKey);
        assertTrue(verify.valid(genuine));

        AtomicInteger answered = endpoint.serve(crafted.document(this));
        // Several refreshes later (each fetched the crafted document and refused it):
        for (int seen = 1; seen <= 3; seen++) {
            servedAtLeast(answered, seen);
            assertEquals("unknown_key", verify.error(forged), crafted + " after " + seen + " fetches");
            assertTrue(verify.valid(genuine), "genuine tokens keep verifying from the last good keys");
        }
    }

    @Test
    void heldSetPastItsExpWithNothingNewer_keysUnavailable() throws Exception {
        FakeEndpoint endpoint = endpoint();
        Instant now = Instant.now();
        endpoint.serve(genuineSet(now.minusSeconds(60), now.plusSeconds(6)));
        RunningVerify verify = pinnedVerify(endpoint.uri());
        String genuine = token(genuineKey);
        assertTrue(verify.valid(genuine), "valid while the set has not expired");

        within(LIMIT, () -> {
            try {
                return "keys_unavailable".equals(verify.error(genuine));
            } catch (IOException e) {
                return false;
            }
        }, "past the set's exp, with the endpoint still serving it, tokens get keys_unavailable");
        assertFalse(Instant.now().isBefore(now.plusSeconds(5)), "not before exp (whole seconds)");
    }

    @Test
    void plainJwksFromTheEndpoint_refusedAsUnsigned_startupSaysWhy() throws Exception {
        FakeEndpoint endpoint = endpoint();
        endpoint.serve(new JWKSet(genuineKey.toPublicJWK()).toString());
        RunningVerify verify = pinnedVerify(endpoint.uri(), "--startup-timeout", "2s");

        assertEquals("keys_unavailable", verify.error(token(genuineKey)));
        String line = verify.stderrLine();
        assertTrue(line.startsWith("nohop: no key set from " + endpoint.uri() + " within 2s (unsigned: "), line);
        assertTrue(!line.contains("cache file"), "no --cache-file, so no word about one: " + line);
    }

    /**
     * Set N holds key A; the store rotates and revokes A and signs set N+1; the verifier accepts N+1;
     * then the endpoint serves N again. A's tokens stay rejected, also after a restart with the cache file.
     * The sets are the store's own ({@code export --signed}), pinned by {@code root-key}'s output.
     */
    @Test
    void rollback_replayedSetNAfterNPlus1_revokedKeyStaysRejected_alsoAfterARestart() throws Exception {
        String store = tmp.resolve("store").toString();
        assertEquals(0, NohopJar.run("init", "--store", store, "--algorithm", "ES256", "--issuer", ISSUER).status());
        Path root = tmp.resolve("root.jwk");
        NohopJar.Result printed = NohopJar.run(Map.of(), "root-key", "--store", store);
        Files.writeString(root, printed.out());
        String setN = export(store);
        String tokenA = issue(store);
        String kidA = SignedJWT.parse(tokenA).getHeader().getKeyID();
        assertEquals(0, NohopJar.run("rotate", "--store", store, "--publish-lead", "0s", "--force").status());
        NohopJar.Result revoked = NohopJar.run("revoke", "--store", store, "--kid", kidA, "--reason", "leaked");
        assertEquals(0, revoked.status(), revoked.err());
        String setN1 = export(store);
        String tokenB = issue(store);
        Path cache = tmp.resolve("cache.json");

        FakeEndpoint endpoint = endpoint();
        endpoint.serve(setN);
        RunningVerify verify = verify(endpoint.uri(), "--key-set-signer", root.toString(), "--cache-file", cache.toString());
        assertTrue(verify.valid(tokenA), "set N holds A");
        AtomicInteger n1 = endpoint.serve(setN1);
        servedAtLeast(n1, 1);
        within(LIMIT, () -> {
            try {
                return "unknown_key".equals(verify.error(tokenA));
            } catch (IOException e) {
                return false;
            }
        }, "set N+1 accepted: A is gone");
        assertTrue(verify.valid(tokenB));

        AtomicInteger replayed = endpoint.serve(setN);
        for (int seen = 1; seen <= 3; seen++) {
            servedAtLeast(replayed, seen);
            assertEquals("unknown_key", verify.error(tokenA), "set N replayed " + seen + " times: refused");
            assertTrue(verify.valid(tokenB));
        }
        verify.stop();

        AtomicInteger afterRestart = endpoint.serve(setN);
        RunningVerify restarted = verify(endpoint.uri(), "--key-set-signer", root.toString(), "--cache-file",
                cache.toString());
        assertTrue(restarted.valid(tokenB), "set N+1 from the cache file");
        for (int seen = 1; seen <= 3; seen++) {
            servedAtLeast(afterRestart, seen);
            assertEquals("unknown_key", restarted.error(tokenA), "after the restart, set N is refused as a rollback");
            assertTrue(restarted.valid(tokenB));
        }
    }

    private String export(String store) throws Exception {
        Path out = tmp.resolve("set-" + System.nanoTime() + ".jwt");
        NohopJar.Result r = NohopJar.run(Map.of(), "export", "--store", store, "--out", out.toString(), "--signed");
        assertEquals(0, r.status(), r.err());
        return Files.readString(out);
    }

    private static String issue(String store) throws Exception {
        NohopJar.Result r = NohopJar.run("issue", "--store", store, "--subject", "alice", "--audience", "orders");
        assertEquals(0, r.status(), r.err());
        return r.out().trim();
    }

    /** Ways to change a cache file entry without a root's private key. */
    enum Tampering {
        FLIPPED_SIGNATURE_BYTE, ATTACKER_ROOT, PLAIN_JWKS_ENTRY
    }

    @Test
    void tamperedCacheFileWithTheEndpointDown_refused_keysUnavailable_noForgedTokenAccepted() throws Exception {
        FakeEndpoint endpoint = endpoint();
        Instant now = Instant.now();
        endpoint.serve(genuineSet(now, now.plus(Duration.ofDays(1))));
        Path cache = tmp.resolve("cache.json");
        RunningVerify first = pinnedVerify(endpoint.uri(), "--cache-file", cache.toString());
        String genuine = token(genuineKey);
        String forged = token(attackerKey);
        assertTrue(first.valid(genuine));
        first.stop();
        String original = Files.readString(cache);
        endpoint.close();

        // The untampered file first: a restart during the outage verifies at once.
        RunningVerify control = pinnedVerify(endpoint.uri(), "--cache-file", cache.toString(), "--startup-timeout", "1s");
        assertTrue(control.valid(genuine), "the genuine cache file is served");
        control.stop();

        Instant later = Instant.now();
        Map<Tampering, UnaryOperator<Map<String, Object>>> tamperings = new LinkedHashMap<>();
        tamperings.put(Tampering.FLIPPED_SIGNATURE_BYTE, entry -> {
            String set = new String(Base64.getDecoder().decode((String) entry.get("document")), StandardCharsets.US_ASCII);
            int at = set.lastIndexOf('.') + 1;
            String flipped = set.substring(0, at) + (set.charAt(at) == 'A' ? 'B' : 'A') + set.substring(at + 1);
            entry.put("document", Base64.getEncoder().encodeToString(flipped.getBytes(StandardCharsets.US_ASCII)));
            return entry;
        });
        tamperings.put(Tampering.ATTACKER_ROOT, entry -> {
            String set = sign(attackerRoot, header(attackerRoot).build(),
                    claims(later, later.plus(Duration.ofDays(1)), attackerKey).build());
            entry.put("document", Base64.getEncoder().encodeToString(set.getBytes(StandardCharsets.US_ASCII)));
            entry.put("newestIssuedAt", Instant.ofEpochSecond(later.getEpochSecond()).toString());
            return entry;
        });
        tamperings.put(Tampering.PLAIN_JWKS_ENTRY, entry -> {
            String jwks = new JWKSet(attackerKey.toPublicJWK()).toString();
            entry.put("document", Base64.getEncoder().encodeToString(jwks.getBytes(StandardCharsets.UTF_8)));
            entry.put("mediaType", "application/json");
            entry.remove("newestIssuedAt");
            return entry;
        });
        for (Map.Entry<Tampering, UnaryOperator<Map<String, Object>>> t : tamperings.entrySet()) {
            Files.writeString(cache, withEntry(original, t.getValue()));
            RunningVerify restarted = pinnedVerify(endpoint.uri(), "--cache-file", cache.toString(),
                    "--startup-timeout", "1s");
            assertEquals("keys_unavailable", restarted.error(forged), t.getKey() + ": no forged token accepted");
            assertEquals("keys_unavailable", restarted.error(genuine), t.getKey() + ": the file is refused whole");
            String line = restarted.stderrLine();
            assertTrue(line.startsWith("nohop: no key set from " + endpoint.uri() + " within 1s"), line);
            // The library's reason is in its log, which the command keeps off stderr: the line names the file.
            assertTrue(line.contains("; the cache file " + cache + " held no usable key set"), line);
            restarted.stop();
        }
    }

    /** The cache file with its one entry changed. */
    @SuppressWarnings("unchecked")
    private static String withEntry(String file, UnaryOperator<Map<String, Object>> change) throws Exception {
        Map<String, Object> envelope = JSONObjectUtils.parse(file);
        List<Object> entries = (List<Object>) envelope.get("entries");
        assertEquals(1, entries.size(), file);
        Map<String, Object> entry = new LinkedHashMap<>((Map<String, Object>) entries.get(0));
        envelope.put("entries", List.of(change.apply(entry)));
        return JSONObjectUtils.toJSONString(envelope);
    }

    /**
     * Issue 10, hole 1, through the jar: without pinned roots, a cache file holding an attacker's JWKS
     * together with the endpoint's current (public) ETag. The first fetch after the restart is
     * unconditional, so the attacker's keys last that one fetch: the genuine issuer's tokens verify, the
     * forged one is {@code unknown_key}, and the file no longer holds the attacker's key.
     */
    @Test
    void plainJwks_cacheFileWithAttackerKeysAndThePublicEtag_lastsOneFetch() throws Exception {
        String store = tmp.resolve("store").toString();
        assertEquals(0, NohopJar.run("init", "--store", store, "--algorithm", "ES256", "--issuer", ISSUER).status());
        Process serve = NohopJar.start(Map.of(), "serve", "--store", store, "--port", "0");
        processes.add(serve);
        String first = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(first != null && first.startsWith("listening on http://"), String.valueOf(first));
        String jwksUri = first.substring("listening on ".length()) + "/.well-known/jwks.json";
        HttpResponse<String> published = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(jwksUri)).build(), HttpResponse.BodyHandlers.ofString());
        String publicEtag = published.headers().firstValue("ETag").orElseThrow();
        String genuine = issue(store);
        ECKey mallory = key(SignedJWT.parse(genuine).getHeader().getKeyID() + "-mallory", false);
        Path cache = tmp.resolve("cache.json");
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("source", jwksUri);
        entry.put("jwksUri", jwksUri);
        entry.put("confirmedAt", Instant.ofEpochSecond(Instant.now().getEpochSecond()).toString());
        entry.put("lifetime", "PT5M");
        entry.put("etag", publicEtag);
        entry.put("mediaType", "application/json");
        entry.put("document", Base64.getEncoder().encodeToString(
                new JWKSet(List.<JWK>of(mallory.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("format", "nohop-keyset-cache/2");
        envelope.put("entries", List.of(entry));
        Files.writeString(cache, JSONObjectUtils.toJSONString(envelope));

        RunningVerify verify = verify(jwksUri, "--cache-file", cache.toString());
        within(LIMIT, () -> {
            try {
                return verify.valid(genuine);
            } catch (IOException e) {
                return false;
            }
        }, "the genuine issuer's token verifies once the first (unconditional) fetch replaced the file's keys");
        String forged = token(mallory);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            assertEquals("unknown_key", verify.error(forged), "past several refreshes");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertTrue(verify.valid(genuine));
        assertFalse(Files.readString(cache).contains(Base64.getEncoder().encodeToString(
                new JWKSet(List.<JWK>of(mallory.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8))),
                "the file no longer holds the attacker's keys");
    }

    /** The store's own signed key set from {@code nohop serve}, pinned with {@code nohop root-key}'s output. */
    @Test
    void keySetSigner_rootKeyOutput_servesJwksJwt_issuedTokensVerify() throws Exception {
        String store = tmp.resolve("store").toString();
        assertEquals(0, NohopJar.run("init", "--store", store, "--algorithm", "ES256", "--issuer", ISSUER).status());
        Path root = tmp.resolve("root.jwk");
        Files.writeString(root, NohopJar.run(Map.of(), "root-key", "--store", store).out());
        Process serve = NohopJar.start(Map.of(), "serve", "--store", store, "--port", "0");
        processes.add(serve);
        String first = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(first != null && first.startsWith("listening on http://"), String.valueOf(first));
        String base = first.substring("listening on ".length());

        RunningVerify verify = verify(base + "/.well-known/jwks.jwt", "--key-set-signer", root.toString());
        String token = issue(store);
        assertTrue(verify.answer(token).startsWith("{\"valid\":true,\"kid\":\"" + SignedJWT.parse(token).getHeader()
                .getKeyID() + "\""));
        assertEquals("unknown_key", verify.error(token(attackerKey)));
    }
}
