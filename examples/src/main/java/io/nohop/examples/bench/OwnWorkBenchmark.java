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

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureSpi;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.CipherSpi;

/**
 * nohop's own work per verified token, without the signature: {@code verify} with a crypto provider whose
 * signature check does nothing and says yes ({@link AcceptingSignatureProvider}, benchmark-only). What is left
 * is what issue 14's "≤ 1.10× the provider's own check" is about (form, base64url, header and payload, key
 * selection, claims, the result), measured directly instead of as the difference of two noisy figures. For
 * RS256 and PS256 nohop checks the encoding itself on the provider's raw RSA ({@code RSA/ECB/NoPadding}): this
 * provider's raw RSA skips the modular exponentiation and hands back the fixture's s^e mod n, computed once in
 * {@link #setup()}, so hashing and the PKCS#1 v1.5 or PSS encoding check stay in the measurement (they are
 * nohop's work); ES256's {@code Signature} says yes without reading anything.
 */
@State(Scope.Benchmark)
public class OwnWorkBenchmark {
    /** Created by JMH, once per fork. */
    public OwnWorkBenchmark() {
    }

    /** The JWS algorithm (RS256, PS256: the 890-byte token of {@link BenchTokens}; ES256: 634 bytes). */
    @Param({"RS256", "PS256", "ES256"})
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
        if (fixture.publicKey instanceof RSAPublicKey rsa) {
            PrecomputedRawRsa.output = rawRsa(rsa, fixture.signature);
        }
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

    /** s^e mod n as the modulus's k bytes. */
    private static byte[] rawRsa(RSAPublicKey key, byte[] signature) {
        int k = (key.getModulus().bitLength() + 7) / 8;
        byte[] m = new BigInteger(1, signature).modPow(key.getPublicExponent(), key.getModulus()).toByteArray();
        byte[] out = new byte[k];
        int from = Math.max(0, m.length - k);
        System.arraycopy(m, from, out, k - (m.length - from), m.length - from);
        return out;
    }

    /**
     * A provider whose ES256 {@code Signature} accepts everything and whose raw RSA answers the fixture's
     * precomputed result: for measuring, never for verifying.
     */
    static final class AcceptingSignatureProvider extends Provider {
        private static final long serialVersionUID = 1L;

        AcceptingSignatureProvider() {
            super("AcceptingSignature", "1", "benchmark only: every signature verifies");
            put("Signature.SHA256withECDSAinP1363Format", AcceptingSignature.class.getName());
            put("Cipher.RSA/ECB/NoPadding", PrecomputedRawRsa.class.getName());
        }
    }

    /** Raw RSA that returns {@link #output} whatever the input: the fixture's s^e mod n, set by setup. */
    public static final class PrecomputedRawRsa extends CipherSpi {
        static volatile byte[] output = new byte[0];

        /** Created by the JCA through the provider. */
        public PrecomputedRawRsa() {
        }

        @Override
        protected void engineSetMode(String mode) {
        }

        @Override
        protected void engineSetPadding(String padding) {
        }

        @Override
        protected int engineGetBlockSize() {
            return 0;
        }

        @Override
        protected int engineGetOutputSize(int inputLen) {
            return output.length;
        }

        @Override
        protected byte[] engineGetIV() {
            return null;
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            return null;
        }

        @Override
        protected void engineInit(int opmode, Key key, SecureRandom random) {
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random) {
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random) {
        }

        @Override
        protected byte[] engineUpdate(byte[] input, int inputOffset, int inputLen) {
            return new byte[0];
        }

        @Override
        protected int engineUpdate(byte[] input, int inputOffset, int inputLen, byte[] out, int outputOffset) {
            return 0;
        }

        @Override
        protected byte[] engineDoFinal(byte[] input, int inputOffset, int inputLen) {
            return output.clone();
        }

        @Override
        protected int engineDoFinal(byte[] input, int inputOffset, int inputLen, byte[] out, int outputOffset) {
            byte[] m = output;
            System.arraycopy(m, 0, out, outputOffset, m.length);
            return m.length;
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
