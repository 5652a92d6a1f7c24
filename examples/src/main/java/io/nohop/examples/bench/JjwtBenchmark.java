package io.nohop.examples.bench;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.ProtectedHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.security.Key;
import java.util.Date;
import java.util.Map;

/**
 * jjwt: a parser with a key locator by kid, exact issuer, our audience and its own exp/nbf checks,
 * on a fixed clock. jjwt checks no {@code typ}.
 */
@State(Scope.Benchmark)
public class JjwtBenchmark {
    /** Created by JMH, once per fork. */
    public JjwtBenchmark() {
    }

    /** The JWS algorithm. */
    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    private String token;
    private JwtParser parser;

    /** Builds the parser. */
    @Setup
    public void setup() {
        BenchTokens.Fixture fixture = BenchTokens.fixture(algorithm);
        token = fixture.token;
        Map<String, Key> keys = Map.of(fixture.kid, fixture.publicKey);
        Date now = new Date(BenchTokens.clock().millis());
        parser = Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(ProtectedHeader header) {
                        return keys.get(header.getKeyId());
                    }
                })
                .requireIssuer(BenchTokens.ISSUER)
                .requireAudience(BenchTokens.AUDIENCE)
                .clock(() -> now)
                .build();
        verify();
    }

    /**
     * Parses and verifies the token.
     *
     * @return the claims
     */
    @Benchmark
    public Claims verify() {
        return parser.parseSignedClaims(token).getPayload();
    }
}
