package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signed key sets through {@code java -jar keys/target/nohop.jar}: init, root-key, export --signed,
 * serve's jwks.jwt, re-signing by rotate --if-due, and Nimbus (a second implementation) verifying what
 * nohop publishes under the printed root. The child JVMs run on the wall clock, so the tests that
 * need time to pass use short lifetimes (seconds) and bounded polls.
 */
class SignedKeySetIT {
    private static final String ISSUER = "https://auth.example";

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

    private String serve(String store) throws Exception {
        Process p = NohopJar.start(Map.of(), "serve", "--store", store, "--port", "0");
        processes.add(p);
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(first != null && first.startsWith("listening on http://"), String.valueOf(first));
        return first.substring("listening on ".length());
    }

    private HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JWK rootKey(String store) throws Exception {
        NohopJar.Result r = NohopJar.run(Map.of(), "root-key", "--store", store);
        assertEquals(0, r.status(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        return JWK.parse(r.out().trim());
    }

    private static JWSVerifier verifier(JWK root) throws Exception {
        return root instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) root);
    }

    /** What Nimbus, knowing only the pinned root, makes of a signed key set. */
    private static SignedJWT verifiedWithNimbus(String jwt, JWK root) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        assertTrue(parsed.verify(verifier(root)), "signature under the pinned root");
        assertEquals(new JOSEObjectType("jwk-set+jwt"), parsed.getHeader().getType());
        assertEquals(root.getKeyID(), parsed.getHeader().getKeyID());
        assertEquals(root.getAlgorithm(), parsed.getHeader().getAlgorithm());
        JWTClaimsSet claims = parsed.getJWTClaimsSet();
        assertEquals(ISSUER, claims.getIssuer());
        assertEquals(ISSUER, claims.getSubject());
        assertTrue(claims.getExpirationTime().after(new Date()), "exp in the future");
        assertFalse(claims.getIssueTime().after(claims.getExpirationTime()));
        return parsed;
    }

    private static List<JWK> keysClaim(SignedJWT jwt) throws Exception {
        return JWKSet.parse(Map.of("keys", jwt.getJWTClaimsSet().getListClaim("keys"))).getKeys();
    }

    private static void within(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256"})
    void initRootKeyExportSigned_verifiesWithNimbusUnderThePrintedRoot(String rootAlgorithm) throws Exception {
        String store = init("--root-algorithm", rootAlgorithm, "--key-set-lifetime", "3d");
        JWK root = rootKey(store);
        assertEquals(rootAlgorithm, root.getAlgorithm().getName());
        Path jwt = tmp.resolve("jwks.jwt");
        Path json = tmp.resolve("jwks.json");
        assertEquals(0, NohopJar.run("export", "--store", store, "--out", jwt.toString(), "--signed").status());
        assertEquals(0, NohopJar.run("export", "--store", store, "--out", json.toString()).status());
        SignedJWT set = verifiedWithNimbus(Files.readString(jwt), root);
        JWTClaimsSet claims = set.getJWTClaimsSet();
        assertEquals(Duration.ofDays(3), Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()));
        assertEquals(JWKSet.parse(Files.readString(json)).getKeys(), keysClaim(set));
    }

    @Test
    void serve_jwksJwt_contractAndNimbusVerifiesIt_keysEqualJwksJson() throws Exception {
        String store = init();
        assertEquals(0, NohopJar.run("rotate", "--store", store).status());
        String base = serve(store);
        HttpResponse<String> jwt = get(base + "/.well-known/jwks.jwt");
        assertEquals(200, jwt.statusCode());
        assertEquals("application/jwk-set+jwt", jwt.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(jwt.headers().firstValue("Cache-Control").orElseThrow().matches("public, max-age=[0-9]+.*"));
        String etag = jwt.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get(base + "/.well-known/jwks.jwt", "If-None-Match", etag).statusCode());
        SignedJWT set = verifiedWithNimbus(jwt.body(), rootKey(store));
        List<JWK> served = JWKSet.parse(get(base + "/.well-known/jwks.json").body()).getKeys();
        assertEquals(served, keysClaim(set));
        assertEquals(2, served.size());
        Map<String, Object> meta = JSONObjectUtils.parse(get(base + "/.well-known/openid-configuration").body());
        assertEquals(base + "/.well-known/jwks.jwt", meta.get("signed_jwks_uri"));
    }

    @Test
    void rotateIfDue_halfTheKeySetLifetimeGone_signsANewSet() throws Exception {
        String store = init("--refresh-bound", "1s", "--publish-lead", "2s", "--rotation-period", "1h",
                "--key-set-lifetime", "4s");
        Path file = Path.of(store, "keyset.jwt");
        Instant first = SignedJWT.parse(Files.readString(file)).getJWTClaimsSet().getIssueTime().toInstant();
        within(Duration.ofSeconds(20), () -> {
            try {
                NohopJar.Result r = NohopJar.run("rotate", "--store", store, "--if-due");
                return r.status() == 0 && r.out().contains("signed a new key set");
            } catch (Exception e) {
                return false;
            }
        }, "rotate --if-due signs a new key set once 2 s of 4 s are gone");
        SignedJWT after = verifiedWithNimbus(Files.readString(file), rootKey(store));
        assertFalse(after.getJWTClaimsSet().getIssueTime().toInstant().isBefore(first.plusSeconds(2)));
    }

    @Test
    void rotateIfDue_keyReachesItsRemovalTime_servedSetsDropIt() throws Exception {
        String store = init("--max-token-lifetime", "1s", "--clock-skew", "0s", "--refresh-bound", "1s",
                "--publish-lead", "2s", "--rotation-period", "1h", "--key-set-lifetime", "1h");
        String base = serve(store);
        String oldKid = JWKSet.parse(get(base + "/.well-known/jwks.json").body()).getKeys().get(0).getKeyID();
        // A successor that signs at once: the old key stops now and is removed T + S = 1 s later.
        assertEquals(0, NohopJar.run("rotate", "--store", store, "--publish-lead", "0s", "--force").status());
        within(Duration.ofSeconds(20), () -> {
            try {
                NohopJar.run("rotate", "--store", store, "--if-due");
                String jwks = get(base + "/.well-known/jwks.json").body();
                String jwt = get(base + "/.well-known/jwks.jwt").body();
                return !jwks.contains(oldKid) && !keysClaim(SignedJWT.parse(jwt)).toString().contains(oldKid);
            } catch (Exception e) {
                return false;
            }
        }, "the removed key leaves jwks.json and jwks.jwt");
        assertEquals(1, JWKSet.parse(get(base + "/.well-known/jwks.json").body()).getKeys().size());
    }

    @Test
    void serve_storeMadeBeforeSignedKeySets_failsWithOneLineNamingRootKeyCreate() throws Exception {
        Path store = tmp.resolve("legacy");
        Path source = Path.of("src/test/resources/legacy-store");
        try (var files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = store.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        NohopJar.Result r = NohopJar.run("serve", "--store", store.toString(), "--port", "0");
        assertEquals(1, r.status(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: ") && r.err().contains("run nohop root-key --store " + store + " --create"), r.err());
        assertEquals("", r.out(), "nothing was served");
    }

    /** A running {@code nohop verify}: write lines, read answers. */
    private record RunningVerify(Process process, OutputStream in, BufferedReader out) {
        String answer(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return out.readLine();
        }
    }

    @Test
    void serve_recordWithoutPassphrase_tokenItSignsRejectedByVerify() throws Exception {
        String store = init();
        String base = serve(store);
        Process p = NohopJar.start(Map.of(), "verify", "--jwks-uri", base + "/.well-known/jwks.json", "--issuer", ISSUER,
                "--audience", "orders", "--min-refresh", "100ms", "--max-refresh", "500ms", "--startup-timeout", "20s");
        processes.add(p);
        RunningVerify verify = new RunningVerify(p, p.getOutputStream(),
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        NohopJar.Result issued = NohopJar.run("issue", "--store", store, "--subject", "alice", "--audience", "orders");
        assertTrue(verify.answer(issued.out().trim()).startsWith("{\"valid\":true"));

        ECKey attacker = new ECKeyGenerator(Curve.P_256).generate();
        String kid = attacker.computeThumbprint().toString();
        ECKey published = new ECKey.Builder(attacker.toPublicJWK()).keyID(kid).algorithm(JWSAlgorithm.ES256)
                .keyUse(KeyUse.SIGNATURE).build();
        Files.writeString(Path.of(store, "keys", kid + ".json"), "{\"format\":1,\"seq\":99,\"kid\":\"" + kid
                + "\",\"alg\":\"ES256\",\"jwk\":" + published.toJSONString() + ",\"createdAt\":\"2020-01-01T00:00:00Z\","
                + "\"activateAt\":\"2999-01-01T00:00:00Z\",\"deactivateAt\":null,\"removeAt\":null,\"revokedAt\":null,"
                + "\"revocationReason\":null,\"privateKey\":null}\n");
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(new JOSEObjectType("at+jwt")).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("orders").subject("mallory").issueTime(new Date())
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        forged.sign(new ECDSASigner(attacker));
        // Past several serve reloads (1 s) and verify refreshes: the forged token never becomes valid.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            String answer = verify.answer(forged.serialize());
            assertTrue(answer.startsWith("{\"valid\":false,\"error\":\"unknown_key\""), answer);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        }
        assertFalse(get(base + "/.well-known/jwks.json").body().contains(kid));
        assertTrue(verify.answer(issued.out().trim()).startsWith("{\"valid\":true"), "genuine tokens keep verifying");
        NohopJar.Result list = NohopJar.run("list", "--store", store);
        assertTrue(list.err().contains(kid + ".json was never signed by the root key"), list.err());
        assertEquals(1, NohopJar.run("audit", "verify", "--store", store).status());
    }
}
