package io.nohop.examples.bench;

import io.nohop.core.RejectionReason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The issue-14 benchmarks measure the path they name: each setup checks its implementation verifies the
 * fixture (and throws otherwise), and each cheap-path benchmark gets the outcome it claims. No timing.
 */
class ProviderBenchmarksTest {
    @BeforeAll
    static void nativeProviderIsHere() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")))) {
            abort("the benchmarks' ACCP jar is for Linux x86-64; this is " + os + "/" + arch);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void providerFloor_bothProvidersVerifyTheFixture(String algorithm) throws Exception {
        for (String provider : new String[] {"JDK", "ACCP"}) {
            ProviderFloorBenchmark b = new ProviderFloorBenchmark();
            b.provider = provider;
            b.algorithm = algorithm;
            b.setup();
            assertTrue(b.signatureOnly(), provider + " " + algorithm);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256"})
    void ownWork_verifierWithTheCostlessProviderVerifiesTheFixture(String algorithm) throws Exception {
        OwnWorkBenchmark b = new OwnWorkBenchmark();
        b.algorithm = algorithm;
        b.setup();
        try {
            assertEquals("248289761001", b.verifyWithoutSignature().subject());
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"JDK", "ACCP", "BC-bytes", "BC-point", "BC-JCA", "Tink"})
    void ed25519_everyCandidateVerifiesTheFixtureRepeatedly(String implementation) throws Exception {
        Ed25519Benchmark b = new Ed25519Benchmark();
        b.implementation = implementation;
        b.setup();
        assertTrue(b.verify());
        assertTrue(b.verify(), "a reused verifier still verifies");
    }

    @Test
    void cheapPaths_eachBenchmarkGetsTheOutcomeItNames() throws Exception {
        CheapPathBenchmark b = new CheapPathBenchmark();
        b.algorithm = "RS256";
        b.setup();
        try {
            assertEquals(RejectionReason.MALFORMED, b.malformedBang());
            assertEquals(RejectionReason.UNKNOWN_KEY, b.unknownKid());
            for (int i = 0; i < 3; i++) {
                assertEquals(RejectionReason.UNKNOWN_KEY, b.unknownKidFlood());
            }
            // Both cache benchmarks are hits: the very object cached when the token was first verified.
            assertSame(b.cacheHitSameString(), b.cacheHitFreshString());
            assertNotSame(b.freshStringOnly(), b.freshStringOnly());
        } finally {
            b.tearDown();
        }
    }
}
