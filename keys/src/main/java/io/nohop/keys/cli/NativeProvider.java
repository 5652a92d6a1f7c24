package io.nohop.keys.cli;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.util.Optional;

/**
 * The native provider behind {@code --crypto native|auto}: the Amazon Corretto Crypto Provider (ACCP,
 * AWS-LC through the JCA), bundled in {@code nohop.jar} with its Linux x86-64 library. Loaded only when a
 * command asks for it (loading extracts and loads a native library), and never installed globally.
 */
final class NativeProvider {

    /** What looking for ACCP found: the healthy provider, or why there is none. */
    record Outcome(Optional<Provider> provider, String whyNot) {
    }

    private NativeProvider() {
    }

    /** Loads ACCP and runs its self-tests; never throws. */
    static Outcome lookUp() {
        try {
            return Accp.load();
        } catch (LinkageError e) {
            return new Outcome(Optional.empty(), "the Amazon Corretto Crypto Provider is not in this build");
        } catch (RuntimeException e) {
            return new Outcome(Optional.empty(), "the Amazon Corretto Crypto Provider failed: " + e);
        }
    }

    /** The only class naming ACCP's types, reached behind the LinkageError catch above. */
    private static final class Accp {
        static Outcome load() {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable loadingError = accp.getLoadingError();
            String here = " (" + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ")";
            if (loadingError != null) {
                return new Outcome(Optional.empty(), "its native library does not load here" + here + ": "
                        + loadingError.getMessage());
            }
            try {
                accp.assertHealthy();
            } catch (RuntimeException e) {
                return new Outcome(Optional.empty(), "its self-tests failed here" + here + ": " + e.getMessage());
            }
            return new Outcome(Optional.of(accp), "");
        }
    }
}
