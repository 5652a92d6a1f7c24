package io.nohop.examples.bench;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * nohop's rejection path: what an attacker's junk costs. Each benchmark returns the reason, and fails
 * the run if the token was accepted or rejected for another reason.
 */
@State(Scope.Benchmark)
public class RejectBenchmark {
    /** Created by JMH, once per fork. */
    public RejectBenchmark() {
    }

    /** The JWS algorithm. */
    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    private BenchTokens.Fixture fixture;
    private TokenVerifier verifier;

    /** Builds the verifier. */
    @Setup
    public void setup() {
        fixture = BenchTokens.fixture(algorithm);
        verifier = NohopVerifiers.forFixture(fixture, 0);
    }

    /** Closes the verifier. */
    @TearDown
    public void tearDown() {
        verifier.close();
    }

    /**
     * A token cut in the middle of its payload (two segments).
     *
     * @return {@code MALFORMED}
     */
    @Benchmark
    public RejectionReason malformed() {
        return expect(fixture.malformed, RejectionReason.MALFORMED);
    }

    /**
     * A well-formed token whose kid is not in the key set.
     *
     * @return {@code UNKNOWN_KEY}
     */
    @Benchmark
    public RejectionReason unknownKid() {
        return expect(fixture.unknownKid, RejectionReason.UNKNOWN_KEY);
    }

    /**
     * A well-formed token under a known kid, signed by another key.
     *
     * @return {@code BAD_SIGNATURE}
     */
    @Benchmark
    public RejectionReason badSignature() {
        return expect(fixture.badSignature, RejectionReason.BAD_SIGNATURE);
    }

    private RejectionReason expect(String token, RejectionReason expected) {
        try {
            verifier.verify(token);
        } catch (TokenRejectedException e) {
            if (e.reason() == expected) {
                return e.reason();
            }
            throw new IllegalStateException("rejected as " + e.reason() + ", expected " + expected);
        }
        throw new IllegalStateException("accepted, expected " + expected);
    }
}
