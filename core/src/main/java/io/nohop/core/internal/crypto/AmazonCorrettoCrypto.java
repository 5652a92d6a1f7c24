package io.nohop.core.internal.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

import java.security.Provider;

/**
 * The only class that names the Amazon Corretto Crypto Provider's types. {@link NativeCrypto} reaches it
 * behind a {@link LinkageError} catch, and only when a verifier asked for native crypto: loading ACCP
 * extracts and loads a 9.6 MB native library, which a library must not do because a jar appeared on the
 * class path.
 */
final class AmazonCorrettoCrypto {
    private AmazonCorrettoCrypto() {
    }

    /**
     * Loads ACCP and runs its self-tests.
     *
     * @return the healthy provider
     * @throws IllegalStateException with why, when its native library did not load or a self-test failed
     * @throws LinkageError when ACCP is not on the class path (or not readable on the module path)
     */
    static Provider loadHealthy() {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        Throwable loadingError = accp.getLoadingError();
        if (loadingError != null) {
            throw new IllegalStateException("its native library did not load: " + loadingError, loadingError);
        }
        try {
            accp.assertHealthy();
        } catch (RuntimeException e) {
            throw new IllegalStateException("its self-tests failed: " + e, e);
        }
        return accp;
    }
}
