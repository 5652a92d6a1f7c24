package io.nohop.core.internal.refresh;

import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.KeySetLoader;
import io.nohop.core.internal.keyset.LoadedKeySet;

/**
 * Turns a fetched key-set document into keys. A verifier always uses {@link #JWKS} ({@link KeySetLoader}).
 * Part of the seam of {@link KeySetTransport}: the fleet simulation in {@code examples} serves the same
 * few documents to 100,000 verifiers and decodes each distinct document once, with {@link #JWKS}, sharing
 * the (immutable) result, instead of parsing it and converting its keys 100,000 times. Not exported.
 */
@FunctionalInterface
public interface KeySetDecoder {
    /** The production decoder: {@link KeySetLoader#load}. */
    KeySetDecoder JWKS = KeySetLoader::load;

    /**
     * @param document the body as fetched
     * @return the usable keys (at least one) and the refused ones
     * @throws InvalidKeySetException when the document is not a key set or holds no usable key
     */
    LoadedKeySet decode(byte[] document) throws InvalidKeySetException;
}
