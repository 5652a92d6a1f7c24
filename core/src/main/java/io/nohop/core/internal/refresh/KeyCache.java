package io.nohop.core.internal.refresh;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGeneratorFactory;

/**
 * The key cache of one verifier: makes its refreshing key sources and owns what they share — one HTTP
 * client with its own daemon threads ({@code nohop-http-N}) and, when configured, one cache file holding
 * one entry per source.
 *
 * <p>Lifecycle: the verifier makes every source here, starts them, and on close closes each source
 * first (timers stop, exchanges in flight are aborted) and then this (the HTTP threads stop and are
 * joined). The scheduler and fetch executor in the {@link RefreshEnvironment} belong to the verifier.
 *
 * <p>A verifier's key cache always fetches with {@link KeySetFetcher}, stores in a {@link KeySetFile}
 * and decodes with {@link KeySetDecoder#JWKS}; the constructor that takes other parts is the seam
 * described in {@link KeySetTransport}.
 */
public final class KeyCache implements AutoCloseable {
    private final RefreshEnvironment environment;
    private final KeySetTransport transport;
    private final KeySetDecoder decoder;
    private final Function<RefreshOptions, Optional<KeySetStore>> stores;

    /**
     * Creates the shared HTTP client (no connection is made yet).
     *
     * @param environment time, timers, fetch threads, jitter and listener shared by every source
     * @param connectTimeout the TCP/TLS connect timeout of every fetch
     * @param cacheFile the last-known-good file shared by every source, if any
     * @param identity how every fetch names the verifier (User-Agent, Nohop-Instance)
     */
    public KeyCache(RefreshEnvironment environment, Duration connectTimeout, Optional<Path> cacheFile,
                    VerifierIdentity identity) {
        this(environment, new KeySetFetcher(Objects.requireNonNull(connectTimeout, "connectTimeout"),
                environment.clock(), Objects.requireNonNull(identity, "identity")), KeySetDecoder.JWKS,
                options -> Objects.requireNonNull(cacheFile, "cacheFile")
                        .map(path -> new KeySetFile(path, options.maxBodyBytes())));
    }

    /**
     * As {@link #KeyCache(RefreshEnvironment, Duration, Optional, VerifierIdentity)}, with a random
     * instance name.
     *
     * @param environment time, timers, fetch threads, jitter and listener shared by every source
     * @param connectTimeout the TCP/TLS connect timeout of every fetch
     * @param cacheFile the last-known-good file shared by every source, if any
     */
    public KeyCache(RefreshEnvironment environment, Duration connectTimeout, Optional<Path> cacheFile) {
        this(environment, connectTimeout, cacheFile,
                VerifierIdentity.random(RandomGeneratorFactory.getDefault().create()));
    }

    /**
     * The seam (see {@link KeySetTransport}): a key cache whose sources fetch through {@code transport},
     * keep their last-known-good document in {@code store} and decode documents with {@code decoder}.
     *
     * @param environment time, timers, fetch threads, jitter and listener shared by every source
     * @param transport how sources fetch; closed by {@link #close()}
     * @param decoder how fetched documents become keys
     * @param store the last-known-good store shared by every source, if any
     */
    public KeyCache(RefreshEnvironment environment, KeySetTransport transport, KeySetDecoder decoder,
                    Optional<KeySetStore> store) {
        this(environment, transport, decoder, options -> store);
        Objects.requireNonNull(store, "store");
    }

    private KeyCache(RefreshEnvironment environment, KeySetTransport transport, KeySetDecoder decoder,
                     Function<RefreshOptions, Optional<KeySetStore>> stores) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.stores = stores;
    }

    /**
     * A source that fetches one JWKS URI.
     *
     * @param jwksUri the JWKS endpoint
     * @param options how the source refreshes
     * @return a source; {@link RefreshingKeySource#start()} begins fetching
     * @throws IllegalArgumentException when the URI is not allowed (https required, plain http only to
     *         loopback unless {@code unsafeAllowPlainHttp})
     */
    public RefreshingKeySource forJwksUri(URI jwksUri, RefreshOptions options) {
        return forJwksUri(jwksUri, options, Optional.empty());
    }

    /**
     * A source that fetches one URI: a plain JWKS, or, with {@code signedSets}, a signed key set accepted
     * only under the pinned roots.
     *
     * @param jwksUri the JWKS endpoint, or where the signed key set is served
     * @param options how the source refreshes
     * @param signedSets the check of a source that pins roots; empty for a plain JWKS
     * @return a source; {@link RefreshingKeySource#start()} begins fetching
     * @throws IllegalArgumentException when the URI is not allowed
     */
    public RefreshingKeySource forJwksUri(URI jwksUri, RefreshOptions options,
                                          Optional<SignedKeySetVerifier> signedSets) {
        EndpointUriRule.requireAllowed(Objects.requireNonNull(jwksUri, "jwksUri"), options.unsafeAllowPlainHttp());
        return new RefreshingKeySource(jwksUri, Optional.of(jwksUri), Optional.empty(), options, environment,
                transport, decoder, stores.apply(options), Objects.requireNonNull(signedSets, "signedSets"));
    }

    /**
     * A source that first finds its JWKS URI in the issuer's OpenID metadata.
     *
     * @param issuer the issuer whose {@code /.well-known/openid-configuration} names the JWKS URI
     * @param options how the source refreshes
     * @return a source; {@link RefreshingKeySource#start()} begins with discovery, then fetching
     * @throws IllegalArgumentException when the metadata URL is not a URL or not allowed
     */
    public RefreshingKeySource discovering(String issuer, RefreshOptions options) {
        return discovering(issuer, options, Optional.empty());
    }

    /**
     * A source that first finds its key set in the issuer's OpenID metadata: {@code jwks_uri}, or, with
     * {@code signedSets}, {@code signed_jwks_uri} (metadata without it is a failed refresh).
     *
     * @param issuer the issuer whose {@code /.well-known/openid-configuration} names the key set
     * @param options how the source refreshes
     * @param signedSets the check of a source that pins roots; empty for a plain JWKS
     * @return a source; {@link RefreshingKeySource#start()} begins with discovery, then fetching
     * @throws IllegalArgumentException when the metadata URL is not a URL or not allowed
     */
    public RefreshingKeySource discovering(String issuer, RefreshOptions options,
                                           Optional<SignedKeySetVerifier> signedSets) {
        URI metadata = DiscoveryDocument.metadataUri(Objects.requireNonNull(issuer, "issuer"));
        EndpointUriRule.requireAllowed(metadata, options.unsafeAllowPlainHttp());
        return new RefreshingKeySource(metadata, Optional.empty(), Optional.of(issuer), options, environment,
                transport, decoder, stores.apply(options), Objects.requireNonNull(signedSets, "signedSets"));
    }

    /** Stops the HTTP client's threads (joined, bounded). Close the sources first. Idempotent. */
    @Override
    public void close() {
        transport.close();
    }
}
