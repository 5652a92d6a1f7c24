package io.nohop.examples.bench;

import java.security.Provider;

/**
 * The crypto providers the benchmarks compare: the JDK's default ones and the Amazon Corretto Crypto
 * Provider (AWS-LC through the JCA), which is used only where a benchmark names it, never installed
 * globally, so every other benchmark keeps measuring the JDK alone.
 */
final class CryptoProviders {
    private CryptoProviders() {
    }

    /**
     * A provider by benchmark parameter name.
     *
     * @param name {@code JDK} (null: the JDK's default provider order) or {@code ACCP}
     * @return the provider, or null for the JDK's defaults
     * @throws IllegalStateException when ACCP cannot load or is not healthy here (fails the benchmark
     *                               instead of silently measuring the JDK)
     */
    static Provider byName(String name) {
        switch (name) {
            case "JDK":
                return null;
            case "ACCP":
                return accp();
            default:
                throw new IllegalArgumentException("unknown provider: " + name);
        }
    }

    static Provider accp() {
        try {
            Class<?> c = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) c.getField("INSTANCE").get(null);
            c.getMethod("assertHealthy").invoke(p);
            return p;
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Amazon Corretto Crypto Provider does not load here", e);
        }
    }
}
