package io.nohop.examples.bench;

import com.sun.net.httpserver.HttpServer;
import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The paths an attacker can drive per token through the public API, without a valid signature
 * (issue 14 targets: malformed ≤ 0.5 µs, unknown kid ≤ 1 µs, a result-cache hit on a freshly
 * allocated token string ≤ 0.5 µs):
 * <ul>
 *   <li>{@link #malformedBang()}: a full-length token with a {@code !} in the middle of its payload;</li>
 *   <li>{@link #unknownKid()}: a well-formed token whose kid the (fixed) key set lacks;</li>
 *   <li>{@link #unknownKidFlood()}: the same against a JWKS endpoint on loopback, a different made-up kid
 *       on every call (what a flood looks like to the refreshing key source and its unknown-kid gate);</li>
 *   <li>{@link #cacheHitSameString()} and {@link #cacheHitFreshString()}: a result-cache hit on the very
 *       String seen before, and on an equal String made from the request's bytes, as a server hands it
 *       over (its hash not yet computed); {@link #freshStringOnly()} is the cost of that String alone.</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class CheapPathBenchmark {
    /** Created by JMH, once per fork. */
    public CheapPathBenchmark() {
    }

    /** The JWS algorithm (RS256: the longest token, 890 bytes; ES256: 634). */
    @Param({"RS256", "ES256"})
    public String algorithm;

    private static final int FLOOD_KIDS = 1 << 16;

    private BenchTokens.Fixture fixture;
    private TokenVerifier verifier;
    private TokenVerifier cachingVerifier;
    private TokenVerifier endpointVerifier;
    private HttpServer server;
    private String malformedBang;
    private byte[] tokenBytes;
    private String[] floodTokens;
    private int next;

    /**
     * Builds the verifiers, starts the loopback JWKS endpoint and makes the junk tokens.
     *
     * @throws Exception if the endpoint cannot start or the keys do not arrive
     */
    @Setup
    public void setup() throws Exception {
        fixture = BenchTokens.fixture(algorithm);
        verifier = NohopVerifiers.forFixture(fixture, 0);
        cachingVerifier = NohopVerifiers.forFixture(fixture, 10_000);
        cachingVerifier.verify(fixture.token);
        tokenBytes = fixture.token.getBytes(StandardCharsets.US_ASCII);

        int firstDot = fixture.token.indexOf('.');
        int middle = firstDot + (fixture.token.lastIndexOf('.') - firstDot) / 2;
        malformedBang = fixture.token.substring(0, middle) + "!" + fixture.token.substring(middle + 1);

        byte[] jwks = fixture.jwks.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        endpointVerifier = TokenVerifier.builder()
                .jwksUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json"))
                .issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE)
                .requiredType(BenchTokens.TYPE)
                .clock(BenchTokens.clock())
                .build();
        if (!endpointVerifier.awaitKeys(Duration.ofSeconds(10))) {
            throw new IllegalStateException("the loopback JWKS endpoint did not deliver keys");
        }
        // Same payload and signature as the unknown-kid token, each under its own made-up kid: the
        // rejection comes before the signature, so the signature need not match.
        String rest = fixture.unknownKid.substring(fixture.unknownKid.indexOf('.'));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        floodTokens = new String[FLOOD_KIDS];
        for (int i = 0; i < FLOOD_KIDS; i++) {
            String header = "{\"alg\":\"" + algorithm + "\",\"typ\":\"" + BenchTokens.TYPE + "\",\"kid\":\"k-flood-"
                    + Integer.toHexString(0x100000 + i) + "\"}";
            floodTokens[i] = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + rest;
        }
    }

    /** Closes the verifiers and the endpoint. */
    @TearDown
    public void tearDown() {
        verifier.close();
        cachingVerifier.close();
        endpointVerifier.close();
        server.stop(0);
    }

    /**
     * A full-length token with {@code !} in the middle of its payload.
     *
     * @return {@code MALFORMED}
     */
    @Benchmark
    public RejectionReason malformedBang() {
        return expect(verifier, malformedBang, RejectionReason.MALFORMED);
    }

    /**
     * A well-formed token whose kid the fixed key set lacks.
     *
     * @return {@code UNKNOWN_KEY}
     */
    @Benchmark
    public RejectionReason unknownKid() {
        return expect(verifier, fixture.unknownKid, RejectionReason.UNKNOWN_KEY);
    }

    /**
     * A different made-up kid on every call, against a verifier that refreshes from a loopback JWKS endpoint.
     * Not thread-safe in its cycling (a benign race): run with one thread.
     *
     * @return {@code UNKNOWN_KEY}
     */
    @Benchmark
    public RejectionReason unknownKidFlood() {
        String token = floodTokens[next++ & (FLOOD_KIDS - 1)];
        return expect(endpointVerifier, token, RejectionReason.UNKNOWN_KEY);
    }

    /**
     * A result-cache hit on the same String object that was verified before (its hash is cached).
     *
     * @return the cached token
     * @throws TokenRejectedException never
     */
    @Benchmark
    public VerifiedToken cacheHitSameString() throws TokenRejectedException {
        return cachingVerifier.verify(fixture.token);
    }

    /**
     * A result-cache hit on a new String equal to the token, made from bytes as a server makes the
     * header value: nothing about it is cached yet.
     *
     * @return the cached token
     * @throws TokenRejectedException never
     */
    @Benchmark
    public VerifiedToken cacheHitFreshString() throws TokenRejectedException {
        return cachingVerifier.verify(new String(tokenBytes, StandardCharsets.ISO_8859_1));
    }

    /**
     * What {@link #cacheHitFreshString()} pays before calling nohop: making the String.
     *
     * @return the new String
     */
    @Benchmark
    public String freshStringOnly() {
        return new String(tokenBytes, StandardCharsets.ISO_8859_1);
    }

    private static RejectionReason expect(TokenVerifier v, String token, RejectionReason expected) {
        try {
            v.verify(token);
        } catch (TokenRejectedException e) {
            if (e.reason() == expected) {
                return e.reason();
            }
            throw new IllegalStateException("rejected as " + e.reason() + ", expected " + expected);
        }
        throw new IllegalStateException("accepted, expected " + expected);
    }
}
