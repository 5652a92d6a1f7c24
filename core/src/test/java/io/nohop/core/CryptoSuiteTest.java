package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nohop.core.internal.crypto.SignatureEngine;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.slf4j.LoggerFactory;

/**
 * Which crypto configuration this run of the provider suite really verifies with ({@link CryptoUnderTest}),
 * written into the test report, so that no configuration can pass by silently testing another one (the JDK
 * instead of ACCP, BouncyCastle where the JDK alone was meant).
 */
class CryptoSuiteTest {

    private static Map<String, String> providers() {
        try (TokenVerifier verifier = Tokens.builder().build()) {
            return verifier.signatureProviders();
        }
    }

    @Test
    void suiteVerifier_usesTheConfigurationItIsNamedFor(TestReporter report) {
        Map<String, String> providers = providers();
        report.publishEntry("nohop.test.crypto", CryptoUnderTest.MODE);
        report.publishEntry("signature providers", providers.toString());
        assertEquals(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"),
                List.copyOf(providers.keySet()));
        switch (CryptoUnderTest.MODE) {
            case "native" -> providers.forEach((alg, p) ->
                    assertTrue(p.startsWith("AmazonCorrettoCryptoProvider "), alg + " is checked by " + p));
            case "jdk" -> providers.forEach((alg, p) ->
                    assertTrue(p.startsWith("Sun"), alg + " is checked by " + p + ", not the JDK's own provider"));
            default -> {
                assertTrue(providers.get("EdDSA").startsWith("BouncyCastle"), "EdDSA: " + providers.get("EdDSA"));
                assertTrue(providers.get("ES256").startsWith("SunEC"), "ES256: " + providers.get("ES256"));
            }
        }
    }

    @Test
    void jdkRun_hasNoBouncyCastle_soDetectionLeavesEdDsaToTheJdk() {
        Assumptions.assumeTrue(CryptoUnderTest.MODE.equals("jdk"), "only the JDK run leaves bcprov off the class path");
        assertFalse(SignatureEngine.bouncyCastleUsable());
        assertFalse(SignatureEngine.defaults().bouncyCastleEd25519());
    }

    @Test
    void preferNativeCrypto_withoutAccp_fallsBackToTheJdkAndSaysSoOnce() {
        // The JDK run leaves ACCP off the class path too: the fallback runs for real. Nothing else in that run asks
        // for native crypto, so the one log line is this test's to see.
        Assumptions.assumeTrue(CryptoUnderTest.MODE.equals("jdk"), "only the JDK run leaves ACCP off the class path");
        Logger logger = (Logger) LoggerFactory.getLogger("io.nohop.core.internal.crypto.NativeCrypto");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            for (int i = 0; i < 2; i++) {
                try (TokenVerifier verifier = TokenVerifier.builder().preferNativeCrypto().jwks(Tokens.JWKS)
                        .issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).clock(Tokens.CLOCK).build()) {
                    verifier.signatureProviders().forEach((alg, p) -> assertTrue(p.startsWith("Sun"), alg + ": " + p));
                    Tokens.accepted(verifier, Tokens.valid("ES256"));
                }
            }
        } finally {
            logger.detachAppender(lines);
        }
        assertEquals(1, lines.list.size(), "logged once per JVM: " + lines.list);
        ILoggingEvent line = lines.list.get(0);
        assertEquals(Level.WARN, line.getLevel());
        assertTrue(line.getFormattedMessage().contains("not on the class path"), line.getFormattedMessage());
    }

    @Test
    void preferNativeCrypto_whereAccpLoads_verifiesWithIt() {
        Assumptions.assumeFalse(CryptoUnderTest.MODE.equals("jdk"), "the JDK run has no ACCP");
        Assumptions.assumeTrue(linuxX64(), "ACCP's jar here is for Linux x86-64");
        try (TokenVerifier verifier = TokenVerifier.builder().preferNativeCrypto().jwks(Tokens.JWKS)
                .issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).clock(Tokens.CLOCK).build()) {
            verifier.signatureProviders().forEach((alg, p) ->
                    assertTrue(p.startsWith("AmazonCorrettoCryptoProvider "), alg + ": " + p));
            for (String alg : List.of("RS256", "PS256", "ES256", "EdDSA")) {
                Tokens.accepted(verifier, Tokens.valid(alg));
            }
        }
    }

    /**
     * The native configuration runs (surefire execution {@code crypto-native}) where ACCP has a native library:
     * in this build, Linux x86-64. Elsewhere this test is reported as skipped with the reason, so the report
     * says that the suite did not run with the native provider here.
     */
    @Test
    void nativeProviderSuite_runsOnLinuxX64Only() {
        Assumptions.assumeFalse(CryptoUnderTest.MODE.equals("jdk"), "the JDK run has no ACCP");
        Assumptions.assumeTrue(linuxX64(), "the native provider suite (execution crypto-native) did not run: ACCP's jar"
                + " in this build is for Linux x86-64, this is " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch"));
        assertTrue(CryptoUnderTest.accp().getName().startsWith("AmazonCorrettoCryptoProvider"));
    }

    static boolean linuxX64() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }
}
