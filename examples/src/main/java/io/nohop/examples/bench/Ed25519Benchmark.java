package io.nohop.examples.bench;

import com.google.crypto.tink.subtle.Ed25519Verify;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * One Ed25519 signature check on the EdDSA fixture's token, by each candidate: the JDK's provider
 * (SunEC), ACCP (native), BouncyCastle's low-level RFC 8032 code given the 32 key bytes per call
 * ({@code BC-bytes}: decodes the point every time) or a point decoded once ({@code BC-point}),
 * BouncyCastle's JCA provider ({@code BC-JCA}), and Tink's {@code Ed25519Verify} (what Nimbus uses).
 * Run with {@code -prof gc} for bytes per check.
 */
@State(Scope.Thread)
public class Ed25519Benchmark {
    /** Created by JMH, once per fork. */
    public Ed25519Benchmark() {
    }

    /** The implementation. */
    @Param({"JDK", "ACCP", "BC-bytes", "BC-point", "BC-JCA", "Tink"})
    public String implementation;

    private byte[] message;
    private byte[] signature;
    private byte[] publicKey;
    private Signature jca;
    private Ed25519.PublicPoint point;
    private Ed25519Verify tink;

    /**
     * Prepares the implementation and checks it accepts the token.
     *
     * @throws GeneralSecurityException if an implementation refuses the key
     */
    @Setup
    public void setup() throws GeneralSecurityException {
        BenchTokens.Fixture fixture = BenchTokens.fixture("EdDSA");
        message = fixture.signingInput;
        signature = fixture.signature;
        byte[] spki = fixture.publicKey.getEncoded();
        publicKey = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        switch (implementation) {
            case "JDK":
                jca = Signature.getInstance("Ed25519");
                jca.initVerify(fixture.publicKey);
                break;
            case "ACCP":
                jca = Signature.getInstance("Ed25519", CryptoProviders.accp());
                jca.initVerify(fixture.publicKey);
                break;
            case "BC-JCA": {
                BouncyCastleProvider bc = new BouncyCastleProvider();
                jca = Signature.getInstance("Ed25519", bc);
                jca.initVerify(KeyFactory.getInstance("Ed25519", bc).generatePublic(new X509EncodedKeySpec(spki)));
                break;
            }
            case "BC-point":
                point = Ed25519.validatePublicKeyPartialExport(publicKey, 0);
                break;
            case "Tink":
                tink = new Ed25519Verify(publicKey);
                break;
            case "BC-bytes":
                break;
            default:
                throw new IllegalArgumentException("unknown implementation: " + implementation);
        }
        if (!verify()) {
            throw new IllegalStateException(implementation + " does not verify the fixture");
        }
    }

    /**
     * Verifies the token's signature.
     *
     * @return true (the signature is valid)
     * @throws GeneralSecurityException never, for this token
     */
    @Benchmark
    public boolean verify() throws GeneralSecurityException {
        switch (implementation) {
            case "BC-bytes":
                return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
            case "BC-point":
                return Ed25519.verify(signature, 0, point, message, 0, message.length);
            case "Tink":
                tink.verify(signature, message);
                return true;
            default:
                jca.update(message);
                return jca.verify(signature);
        }
    }
}
