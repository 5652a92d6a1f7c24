package io.nohop.examples.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;

/**
 * Each provider's own signature check, alone: the floor nohop's {@code verify} is held to once it can
 * verify with a native provider (issue 14: at most 1.10× this). Same tokens and the same JDK key
 * objects as {@link FloorBenchmark#signatureOnly()} (ACCP accepts the JDK's RSA, EC and EdEC keys); one
 * initialised {@code Signature} per thread, reused, as nohop keeps them.
 */
@State(Scope.Thread)
public class ProviderFloorBenchmark {
    /** Created by JMH, once per fork. */
    public ProviderFloorBenchmark() {
    }

    /** {@code JDK} (default providers) or {@code ACCP}. */
    @Param({"JDK", "ACCP"})
    public String provider;

    /** The JWS algorithm. */
    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    private BenchTokens.Fixture fixture;
    private Signature verifier;

    /**
     * Initialises the verifier and checks it accepts the token.
     *
     * @throws GeneralSecurityException if the provider lacks the algorithm
     */
    @Setup
    public void setup() throws GeneralSecurityException {
        fixture = BenchTokens.fixture(algorithm);
        Provider p = CryptoProviders.byName(provider);
        verifier = p == null ? Signature.getInstance(fixture.jcaName) : Signature.getInstance(fixture.jcaName, p);
        if (fixture.jcaParameters != null) {
            verifier.setParameter(fixture.jcaParameters);
        }
        verifier.initVerify(fixture.publicKey);
        if (!signatureOnly()) {
            throw new IllegalStateException(provider + " does not verify the " + algorithm + " fixture");
        }
    }

    /**
     * The provider's signature check of pre-decoded bytes, and nothing else.
     *
     * @return whether the signature verified (always true)
     * @throws GeneralSecurityException never, for these tokens
     */
    @Benchmark
    public boolean signatureOnly() throws GeneralSecurityException {
        verifier.update(fixture.signingInput);
        return verifier.verify(fixture.signature);
    }
}
