package io.nohop.core.internal.crypto;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.security.Provider;
import java.util.Optional;

/**
 * The native provider behind {@code preferNativeCrypto()}: the Amazon Corretto Crypto Provider (ACCP,
 * AWS-LC through the JCA; {@code software.amazon.cryptools:AmazonCorrettoCryptoProvider}, classifier
 * {@code linux-x86_64} or {@code linux-aarch64}). Looked for at most once per JVM, on the first request,
 * and the outcome logged once: which provider verifies, or why native crypto is unavailable and the JDK's
 * providers verify instead. Never installed globally ({@code Security.addProvider} is the application's
 * choice, not a library's).
 */
final class NativeCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCrypto.class);

    /** What looking for ACCP found: the provider, or why not. */
    private record Outcome(@Nullable Provider provider, String whyNot) { }

    /** Initialised on first use only: a verifier that never asks for native crypto never loads ACCP. */
    private static final class Once {
        static final Outcome OUTCOME = lookUp();
    }

    private NativeCrypto() {
    }

    /** @return the healthy native provider, or empty where it cannot load here (logged once, with why) */
    static Optional<Provider> provider() {
        return Optional.ofNullable(Once.OUTCOME.provider());
    }

    /** @return why native crypto is unavailable, or empty when it is available */
    static Optional<String> whyUnavailable() {
        return Once.OUTCOME.provider() == null ? Optional.of(Once.OUTCOME.whyNot()) : Optional.empty();
    }

    private static Outcome lookUp() {
        Outcome outcome;
        try {
            outcome = new Outcome(AmazonCorrettoCrypto.loadHealthy(), "");
        } catch (LinkageError e) {
            outcome = new Outcome(null, "the Amazon Corretto Crypto Provider is not on the class path"
                    + " (software.amazon.cryptools:AmazonCorrettoCryptoProvider, classifier linux-x86_64 or linux-aarch64)");
        } catch (RuntimeException e) {
            outcome = new Outcome(null, "the Amazon Corretto Crypto Provider cannot be used here ("
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "): " + e.getMessage());
        }
        if (outcome.provider() != null) {
            Provider p = outcome.provider();
            LOG.info("native crypto: signatures are checked by {}", p.getInfo());
            if (!nativeAccessEnabled(p)) {
                LOG.warn("native crypto: on Java {} the JVM warns about {} loading its native library; run with"
                        + " --enable-native-access=ALL-UNNAMED (class path) or ={} (module path)",
                        Runtime.version().feature(), p.getName(), p.getClass().getModule().getName());
            }
        } else {
            LOG.warn("native crypto unavailable, signatures are checked by the JDK's providers: {}", outcome.whyNot());
        }
        return outcome;
    }

    /** JDK 22+ ({@code Module.isNativeAccessEnabled}); always true before, where no flag exists. */
    private static boolean nativeAccessEnabled(Provider p) {
        if (Runtime.version().feature() < 24) {
            return true;
        }
        try {
            Method enabled = Module.class.getMethod("isNativeAccessEnabled");
            return (Boolean) enabled.invoke(p.getClass().getModule());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }
}
