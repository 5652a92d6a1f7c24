package io.nohop.core.internal.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Ed25519 public keys of small order, refused by the key-set loader whatever the provider.
 *
 * <p>With such a key {@code A}, the check {@code [S]B = R + [k]A} holds for {@code R} the neutral
 * element and {@code S = 0} whenever {@code [k]A} is neutral, which an attacker arranges by choosing
 * the message: the key "verifies" forgeries. The JDK, ACCP and Tink all verify them (BouncyCastle alone
 * refuses the key); no issuer can publish one honestly (it has no private key), so one in a key set
 * means the set was tampered with. The encodings are those of the points of order 1, 2, 4 and 8, and
 * the non-canonical {@code y = p} and {@code y = p + 1}; the sign bit of x (the top bit) is ignored, as
 * it can only select the point or its negation (both of small order).
 */
public final class Ed25519SmallOrder {
    private static final List<byte[]> ENCODINGS = List.of(
            hex("0100000000000000000000000000000000000000000000000000000000000000"),  // neutral (order 1)
            hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // order 2 (y = -1)
            hex("0000000000000000000000000000000000000000000000000000000000000000"),  // order 4 (y = 0)
            hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  // order 8
            hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  // order 8
            hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // y = p (non-canonical 0)
            hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")); // y = p + 1 (non-canonical 1)

    private Ed25519SmallOrder() {
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    /**
     * @param publicKey the 32 bytes of an Ed25519 public key (RFC 8032 encoding)
     * @return true when the key is a point of small order (or a non-canonical encoding of one)
     */
    public static boolean isSmallOrder(byte[] publicKey) {
        if (publicKey.length != 32) {
            return false;
        }
        byte[] y = publicKey.clone();
        y[31] &= 0x7f;
        for (byte[] encoding : ENCODINGS) {
            if (Arrays.equals(y, encoding)) {
                return true;
            }
        }
        return false;
    }
}
