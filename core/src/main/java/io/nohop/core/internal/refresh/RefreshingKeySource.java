package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth;
import io.nohop.core.internal.keys.KeySnapshot;
import io.nohop.core.internal.keys.KeySource;

import java.net.URI;
import java.time.Duration;

/**
 * TEMPORARY STUB: the key cache (issue 3) replaces this class. Keys learned from a JWKS endpoint in
 * the background.
 */
public final class RefreshingKeySource implements KeySource {
    private RefreshingKeySource() {
    }

    /**
     * @param jwksUri the JWKS endpoint
     * @param settings validated settings
     * @return a source; {@link #start()} begins fetching
     */
    public static RefreshingKeySource forJwksUri(URI jwksUri, RefreshSettings settings) {
        throw new UnsupportedOperationException("key cache not built yet");
    }

    /**
     * @param issuer the issuer whose {@code /.well-known/openid-configuration} names the JWKS URI
     * @param settings validated settings
     * @return a source; {@link #start()} begins with discovery, then fetching
     */
    public static RefreshingKeySource discovering(String issuer, RefreshSettings settings) {
        throw new UnsupportedOperationException("key cache not built yet");
    }

    @Override
    public KeySnapshot snapshot() {
        return KeySnapshot.EMPTY;
    }

    @Override
    public void unknownKid(String kid) {
    }

    @Override
    public KeySnapshot awaitKid(String kid, Duration maxWait) {
        return KeySnapshot.EMPTY;
    }

    @Override
    public boolean awaitFirstKeys(Duration timeout) {
        return false;
    }

    @Override
    public void start() {
    }

    @Override
    public VerifierHealth.Source health() {
        throw new UnsupportedOperationException("key cache not built yet");
    }

    @Override
    public void close() {
    }
}
