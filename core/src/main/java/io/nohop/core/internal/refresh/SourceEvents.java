package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth;
import io.nohop.core.VerifierListener;
import io.nohop.core.internal.LogText;
import io.nohop.core.internal.keyset.RefusedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What one key source tells the world: each event is logged and passed to the user's listener, in one
 * place. The listener is the verifier's guarded one, so a user listener that throws never breaks a
 * refresh. Kids come from the endpoint and are escaped before they are logged.
 */
final class SourceEvents {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshingKeySource.class);
    private static final int MAX_KIDS_LOGGED = 20;

    private final VerifierListener listener;
    private final RefusedKeyReport refusedKeys = new RefusedKeyReport();

    SourceEvents(VerifierListener listener) {
        this.listener = listener;
    }

    /** Keys added, removed or changed by an accepted document, and keys it refused that are news. */
    void keySetChanged(URI uri, KeySetChanges changes, List<RefusedKey> refused) {
        if (!changes.added().isEmpty()) {
            LOG.info("keys added at {}: {}", uri, escaped(changes.added()));
            emit(l -> l.keysAdded(uri, changes.added()));
        }
        if (!changes.removed().isEmpty()) {
            LOG.info("keys removed at {}: {}", uri, escaped(changes.removed()));
            emit(l -> l.keysRemoved(uri, changes.removed()));
        }
        for (String kid : changes.materialChanged()) {
            LOG.warn("kid {} at {} now has different key material; using the new key (tokens signed with the "
                    + "old one will fail; this usually means a broken issuer)", LogText.escape(kid), uri);
            emit(l -> l.keyMaterialChanged(uri, kid));
        }
        for (RefusedKey key : refusedKeys.newlyRefused(refused)) {
            String kid = key.kid() == null ? "" : key.kid();
            LOG.warn("key {} at {} refused: {}", LogText.escape(key.kid()), uri, key.reason());
            emit(l -> l.keyRefused(uri, kid, key.reason()));
        }
    }

    void refreshSucceeded(URI uri, int keyCount, Duration took, Instant nextRefresh) {
        LOG.debug("key set from {} accepted: {} keys, next refresh at {}", uri, keyCount, nextRefresh);
        emit(l -> l.refreshSucceeded(uri, keyCount, took));
    }

    void refreshNotModified(URI uri, Instant nextRefresh) {
        LOG.debug("key set from {} not modified; next refresh at {}", uri, nextRefresh);
        emit(l -> l.refreshNotModified(uri));
    }

    void refreshFailed(URI uri, FetchResult.Failed failure, int consecutiveFailures, Instant nextAttempt) {
        if (consecutiveFailures == 1) {
            LOG.warn("key refresh from {} failed: {}; keeping the last good keys, retrying at {}", uri,
                    failure.text(), nextAttempt);
        } else {
            LOG.debug("key refresh from {} failed again ({} in a row): {}; retrying at {}", uri, consecutiveFailures,
                    failure.text(), nextAttempt);
        }
        emit(l -> l.refreshFailed(uri, failure.failure(), failure.detail(), consecutiveFailures, nextAttempt));
    }

    void statusChanged(KeyCacheState state, VerifierHealth.Status from, VerifierHealth.Status to) {
        URI uri = state.shownUri();
        if (to == VerifierHealth.Status.DOWN) {
            LOG.error("keys from {} are unavailable (was {}): tokens are rejected with keys_unavailable", uri, from);
        } else if (to == VerifierHealth.Status.STALE) {
            LOG.warn("keys from {} are stale (was {}): serving the last good keys, last confirmed {}", uri, from,
                    state.lastSuccess().map(Instant::toString).orElse("never"));
        } else {
            LOG.info("keys from {} are fresh (was {})", uri, from);
        }
        emit(l -> l.statusChanged(uri, from, to));
    }

    void unknownKidRefreshSuppressed(URI uri) {
        emit(l -> l.unknownKidRefreshSuppressed(uri));
    }

    private void emit(Consumer<VerifierListener> event) {
        // The listener comes from the verifier already guarded (GuardedListener: nothing it throws escapes).
        event.accept(listener);
    }

    private static String escaped(Set<String> kids) {
        return kids.stream().limit(MAX_KIDS_LOGGED).map(LogText::escape)
                .collect(Collectors.joining(", ", "[", kids.size() > MAX_KIDS_LOGGED ? ", ...]" : "]"));
    }
}
