package io.nohop.core.internal.crypto;

import io.nohop.core.internal.keyset.JwsAlgorithm;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;

/**
 * The one ECDSA rule nohop adds in front of every provider so that its decision is the same with all of
 * them: {@code r} must be at least {@code p − n} (field size minus group order).
 *
 * <p>Why: a valid signature has {@code r = x(kG) mod n}. When {@code x(kG) ≥ n} — possible because
 * {@code p > n} on P-256, P-384 and P-521 — then {@code r = x − n < p − n}. JDK 17's SunEC compares
 * {@code r} with {@code x} unreduced and refuses such signatures; JDK 25 and ACCP verify them (Wycheproof
 * ES256 #115/#257, ES384 #147/#275, ES512 #184/#313). Refusing every {@code r < p − n} makes all
 * providers and JDKs decide alike. An honest signer produces such an {@code r} with probability
 * {@code (p − n)/n}: about 2⁻¹²⁸ on P-256, 2⁻¹⁹⁰ on P-384 and 2⁻²⁶⁰ on P-521 — never, in practice. The
 * price is that Wycheproof's crafted "small r" vectors, valid but only constructible by someone who
 * chose {@code k} for it, are refused too (listed in {@code WycheproofSignatureTest}).
 */
public final class EcdsaRange {
    // By JwsAlgorithm ordinal: p - n as an unsigned big-endian number of the signature's half length.
    private static final byte[][] MIN_R = new byte[JwsAlgorithm.values().length][];

    static {
        for (JwsAlgorithm algorithm : JwsAlgorithm.values()) {
            if (algorithm.keyType() == JwsAlgorithm.KeyType.EC) {
                MIN_R[algorithm.ordinal()] = pMinusN(algorithm);
            }
        }
    }

    private EcdsaRange() {
    }

    private static byte[] pMinusN(JwsAlgorithm algorithm) {
        String curve = switch (algorithm.curve()) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw new IllegalStateException("unexpected curve " + algorithm.curve());
        };
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(curve));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
            BigInteger difference = p.subtract(spec.getOrder());
            byte[] minimal = difference.toByteArray();
            byte[] fixed = new byte[algorithm.signatureLength() / 2];
            int length = Math.min(minimal.length, fixed.length);
            System.arraycopy(minimal, minimal.length - length, fixed, fixed.length - length, length);
            return fixed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks the parameters of " + curve, e);
        }
    }

    /**
     * @param algorithm ES256, ES384 or ES512
     * @param signature the P1363 signature {@code r ‖ s}, of the algorithm's exact length
     * @return true when {@code r < p − n}: refused whatever the provider
     */
    public static boolean rBelowFieldMinusOrder(JwsAlgorithm algorithm, byte[] signature) {
        byte[] min = MIN_R[algorithm.ordinal()];
        return Arrays.compareUnsigned(signature, 0, min.length, min, 0, min.length) < 0;
    }
}
