package io.nohop.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The floor: what verifying these tokens costs with nothing but the JDK (and, for the full floor, a
 * mainstream JSON parser). Nothing can verify a token for less than {@link #signatureOnly()}; a
 * library that decodes, parses and checks claims is compared with {@link #signatureBase64Json()}.
 *
 * <p>Per thread, like nohop's per-key {@code Signature} objects: an initialised {@code Signature} is
 * reused, as a careful hand-written verifier would.
 */
@State(Scope.Thread)
public class FloorBenchmark {
    /** Created by JMH, once per fork. */
    public FloorBenchmark() {
    }

    /** The JWS algorithm. */
    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    private BenchTokens.Fixture fixture;
    private Signature verifier;
    private ObjectReader mapReader;
    private Clock clock;

    /**
     * Makes the keys and tokens and initialises the verifier.
     *
     * @throws GeneralSecurityException if the JDK lacks the algorithm
     */
    @Setup
    public void setup() throws GeneralSecurityException {
        fixture = BenchTokens.fixture(algorithm);
        verifier = fixture.newVerifier();
        mapReader = new ObjectMapper().readerFor(Map.class);
        clock = BenchTokens.clock();
    }

    /**
     * The JDK's signature check of pre-decoded bytes, and nothing else.
     *
     * @return whether the signature verified (always true)
     * @throws GeneralSecurityException never, for these tokens
     */
    @Benchmark
    public boolean signatureOnly() throws GeneralSecurityException {
        verifier.update(fixture.signingInput);
        return verifier.verify(fixture.signature);
    }

    /**
     * The full floor: split the token, base64url-decode the three segments, parse header and payload
     * with Jackson, check the header (alg, typ, kid), the signature, then the claims nohop checks:
     * exp, nbf, iat against the clock with 60 s of skew, iss exact, aud contains ours.
     *
     * @return the claims
     * @throws Exception when the token does not verify (never, for these tokens)
     */
    @Benchmark
    public Map<String, Object> signatureBase64Json() throws Exception {
        return verifyByHand(fixture.token, true);
    }

    /**
     * The full floor without its signature check: what decoding, parsing and checking cost by
     * themselves. On ES256 and EdDSA the signature is 95% of the time and swings with machine load,
     * so this is the figure to compare nohop's own overhead with (its unknown-kid rejection does the
     * same decoding and parsing, then stops before the signature).
     *
     * @return the claims
     * @throws Exception when the token does not pass (never, for these tokens)
     */
    @Benchmark
    public Map<String, Object> base64JsonNoSignature() throws Exception {
        return verifyByHand(fixture.token, false);
    }

    private Map<String, Object> verifyByHand(String token, boolean checkSignature) throws GeneralSecurityException, IOException {
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
            throw new IllegalArgumentException("not a compact JWS");
        }
        byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
        Base64.Decoder b64 = Base64.getUrlDecoder();
        ByteBuffer header = b64.decode(ByteBuffer.wrap(ascii, 0, firstDot));
        ByteBuffer payload = b64.decode(ByteBuffer.wrap(ascii, firstDot + 1, secondDot - firstDot - 1));
        ByteBuffer signature = b64.decode(ByteBuffer.wrap(ascii, secondDot + 1, ascii.length - secondDot - 1));
        Map<String, Object> h = mapReader.readValue(header.array(), header.arrayOffset(), header.remaining());
        if (!algorithm.equals(h.get("alg")) || !BenchTokens.TYPE.equals(h.get("typ"))
                || !fixture.kid.equals(h.get("kid"))) {
            throw new IllegalArgumentException("header");
        }
        Map<String, Object> claims = mapReader.readValue(payload.array(), payload.arrayOffset(), payload.remaining());
        if (checkSignature && !verifySignature(ascii, secondDot, signature)) {
            throw new IllegalArgumentException("signature");
        }
        long now = clock.millis() / 1000;
        long skew = 60;
        if (!(claims.get("exp") instanceof Number) || now >= ((Number) claims.get("exp")).longValue() + skew) {
            throw new IllegalArgumentException("exp");
        }
        if (claims.get("nbf") instanceof Number && now + skew < ((Number) claims.get("nbf")).longValue()) {
            throw new IllegalArgumentException("nbf");
        }
        if (claims.get("iat") instanceof Number && ((Number) claims.get("iat")).longValue() > now + skew) {
            throw new IllegalArgumentException("iat");
        }
        if (!BenchTokens.ISSUER.equals(claims.get("iss"))) {
            throw new IllegalArgumentException("iss");
        }
        Object aud = claims.get("aud");
        if (!(BenchTokens.AUDIENCE.equals(aud) || aud instanceof List && ((List<?>) aud).contains(BenchTokens.AUDIENCE))) {
            throw new IllegalArgumentException("aud");
        }
        return claims;
    }

    private boolean verifySignature(byte[] ascii, int signedLength, ByteBuffer signature) throws GeneralSecurityException {
        verifier.update(ascii, 0, signedLength);
        return verifier.verify(signature.array(), signature.arrayOffset(), signature.remaining());
    }
}
