package io.nohop.examples.bench;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;

/**
 * nohop's own work per verified token, without the signature: {@code verify} with a crypto provider whose
 * signature check does nothing and says yes ({@link AcceptingSignatureProvider}, benchmark-only). What is left
 * is what issue 14's "≤ 1.10× the provider's own check" is about (form, base64url, header and payload, key
 * selection, claims, the result), measured directly instead of as the difference of two noisy figures. PS256
 * and ES256 only: the provider serves {@code Signature}s, and nohop checks RS256 through a {@code Cipher}.
 */
@State(Scope.Benchmark)
public class OwnWorkBenchmark {
    /** Created by JMH, once per fork. */
    public OwnWorkBenchmark() {
    }

    /** The JWS algorithm (PS256: the 890-byte token of {@link BenchTokens}; ES256: 634 bytes). */
    @Param({"PS256", "ES256"})
    public String algorithm;

    private String token;
    private TokenVerifier verifier;

    /**
     * Builds the verifier on the accepting provider.
     *
     * @throws TokenRejectedException if the token does not verify (a broken fixture)
     */
    @Setup
    public void setup() throws TokenRejectedException {
        BenchTokens.Fixture fixture = BenchTokens.fixture(algorithm);
        token = fixture.token;
        verifier = TokenVerifier.builder()
                .jwks(fixture.jwks)
                .issuer(BenchTokens.ISSUER)
                .audience(BenchTokens.AUDIENCE)
                .requiredType(BenchTokens.TYPE)
                .clock(BenchTokens.clock())
                .algorithms(algorithm)
                .cryptoProvider(new AcceptingSignatureProvider())
                .build();
        verifier.verify(token);
    }

    /** Closes the verifier. */
    @TearDown
    public void tearDown() {
        verifier.close();
    }

    /**
     * A whole verification whose signature check costs nothing.
     *
     * @return the verified token
     * @throws TokenRejectedException never
     */
    @Benchmark
    public VerifiedToken verifyWithoutSignature() throws TokenRejectedException {
        return verifier.verify(token);
    }

    /** A provider of PS256 and ES256 {@code Signature}s that accept everything: for measuring, never for verifying. */
    static final class AcceptingSignatureProvider extends Provider {
        private static final long serialVersionUID = 1L;

        AcceptingSignatureProvider() {
            super("AcceptingSignature", "1", "benchmark only: every signature verifies");
            put("Signature.RSASSA-PSS", AcceptingSignature.class.getName());
            put("Signature.SHA256withECDSAinP1363Format", AcceptingSignature.class.getName());
        }
    }

    /** The accepting check: reads nothing, answers yes. */
    public static final class AcceptingSignature extends SignatureSpi {
        /** Created by the JCA through the provider. */
        public AcceptingSignature() {
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) {
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) {
            throw new UnsupportedOperationException("verification only");
        }

        @Override
        protected void engineUpdate(byte b) {
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
        }

        @Override
        protected byte[] engineSign() {
            throw new UnsupportedOperationException("verification only");
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return true;
        }

        @Override
        protected void engineSetParameter(AlgorithmParameterSpec params) {
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }
}
