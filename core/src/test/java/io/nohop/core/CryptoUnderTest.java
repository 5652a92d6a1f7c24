package io.nohop.core;

import io.nohop.core.internal.crypto.SignatureEngine;

import java.security.Provider;
import java.util.Locale;

/**
 * The crypto configuration the provider suite runs under, named by the system property
 * {@code nohop.test.crypto} that each surefire execution of core sets (core/pom.xml: one execution per
 * configuration, each over the same test classes — the Wycheproof files, the JOSE vectors, the attack
 * catalogue, the jqwik properties and the verify tests — and each with its own report folder):
 * <ul>
 *   <li>{@code default} (absent): what a builder does unasked: the JDK's installed providers, EdDSA through
 *       BouncyCastle's pure-Java Ed25519 (bcprov is a test dependency);</li>
 *   <li>{@code jdk}: the JDK's providers alone; the execution leaves bcprov off the class path, so the
 *       builder's own detection finds none (checked by {@code CryptoSuiteTest});</li>
 *   <li>{@code native}: {@code cryptoProvider(ACCP)}. Runs where ACCP has a native library (the execution is
 *       in a profile for Linux x86-64); there, ACCP failing to load fails every test, never a silent fallback
 *       to the JDK.</li>
 * </ul>
 */
final class CryptoUnderTest {
    /** The configuration of this test JVM. */
    static final String MODE = System.getProperty("nohop.test.crypto", "default").toLowerCase(Locale.ROOT);

    private CryptoUnderTest() {
    }

    /**
     * Applies the configuration to a verifier builder (every test verifier of the suite is made through here).
     *
     * @param builder a builder
     * @return the same builder
     */
    static TokenVerifier.Builder configure(TokenVerifier.Builder builder) {
        if (MODE.equals("native")) {
            builder.cryptoProvider(accp());
        }
        return builder;
    }

    /**
     * The signature engine a verifier of this configuration uses, for tests that drive the signature layer
     * directly ({@code VerificationKey.verify}).
     *
     * @return the engine
     */
    static SignatureEngine engine() {
        return switch (MODE) {
            case "native" -> SignatureEngine.withProvider(accp());
            case "default", "jdk" -> SignatureEngine.defaults();
            default -> throw new IllegalStateException("unknown nohop.test.crypto: " + MODE);
        };
    }

    /**
     * The Amazon Corretto Crypto Provider, healthy.
     *
     * @return the provider
     * @throws AssertionError when it cannot load (the native configuration must not fall back silently)
     */
    static Provider accp() {
        try {
            Class<?> c = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) c.getField("INSTANCE").get(null);
            c.getMethod("assertHealthy").invoke(p);
            return p;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable why = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            throw new AssertionError("ACCP must load for the native provider suite ("
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ")", why);
        }
    }
}
