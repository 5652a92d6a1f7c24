package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A flood of tokens with made-up kids against a running {@code nohop verify}: the JWKS endpoint (a
 * counting server in this JVM) sees at most one fetch per {@code --min-refresh}, and a genuine new
 * kid published during the flood is still learned.
 */
class KidFloodIT {
    private static final String ISSUER = "https://auth.example";

    private static String token(ECKey key, String kid) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("orders").subject("s").issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(300))).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void randomKidFlood_fetchesBoundedByMinRefresh_andGenuineNewKidLearned() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey second = new ECKeyGenerator(Curve.P_256).keyID("second").generate();
        AtomicReference<String> jwks = new AtomicReference<>(new JWKSet(first.toPublicJWK()).toString());
        AtomicInteger fetches = new AtomicInteger();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        endpoint.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
            // A long max-age: every fetch after the first is one an unknown kid asked for.
            exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        endpoint.start();
        Process verify = NohopJar.start(Map.of(), "verify", "--jwks-uri",
                "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/jwks.json",
                "--issuer", ISSUER, "--audience", "orders", "--min-refresh", "1s", "--max-refresh", "1h");
        try {
            OutputStream in = verify.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(verify.getInputStream(), StandardCharsets.UTF_8));
            in.write((token(first, "first") + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(out.readLine().startsWith("{\"valid\":true"));
            int before = fetches.get();

            Random random = new Random(7);
            byte[] kid = new byte[12];
            String forgedBody = token(first, "first").substring(token(first, "first").indexOf('.'));
            long start = System.nanoTime();
            int tokens = 3000;
            for (int i = 0; i < tokens; i++) {
                random.nextBytes(kid);
                String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        ("{\"alg\":\"ES256\",\"kid\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(kid) + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
                if (i == tokens / 2) {
                    jwks.set(new JWKSet(java.util.List.of(first.toPublicJWK(), second.toPublicJWK())).toString());
                }
                in.write((header + forgedBody + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                String answer = out.readLine();
                assertTrue(answer.contains("\"error\":\"unknown_key\""), answer);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int floodFetches = fetches.get() - before;
            // One per started second of the flood, plus one deferred refresh at its end.
            assertTrue(floodFetches <= Math.ceil(seconds) + 1,
                    floodFetches + " fetches for " + tokens + " made-up kids in " + seconds + " s");

            // The genuine kid: learned by the next refresh its first token triggers (or one already ran).
            String genuine = token(second, "second");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String answer;
            do {
                in.write((genuine + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                answer = out.readLine();
            } while (!answer.startsWith("{\"valid\":true") && System.nanoTime() < deadline
                    && waitABit());
            assertTrue(answer.startsWith("{\"valid\":true,\"kid\":\"second\""), answer);
            in.close();
            assertTrue(verify.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, verify.exitValue());
        } finally {
            verify.destroyForcibly();
            endpoint.stop(0);
        }
    }

    // A real process on the other end: nothing to inject a clock into, so a short bounded pause between asks.
    private static boolean waitABit() {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        return true;
    }
}
