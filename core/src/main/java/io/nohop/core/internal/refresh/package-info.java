/**
 * The key cache: keys learned from JWKS endpoints in the background, never on the request path.
 *
 * <p>{@link io.nohop.core.internal.refresh.KeyCache} is one verifier's cache: it makes the
 * {@link io.nohop.core.internal.refresh.RefreshingKeySource}s (one per JWKS URI or discovered issuer)
 * and owns what they share. Each source is a thin driver over one immutable state record
 * ({@code KeyCacheState}, published by one volatile write; its concurrency contract is in
 * {@code RefreshingKeySource}) and small single-purpose parts:
 * <ul>
 * <li>{@code KeySetFetcher} + {@code CappedBodySubscriber}: the verifier's one HTTP client, on its own
 *     daemon threads ({@code nohop-http-N}, stopped by close; never the common pool); one GET with a
 *     connect timeout, a total deadline over headers and body, a streamed body cap, no redirects, 200
 *     (or 304 to a conditional request) only; every request names the verifier
 *     ({@code VerifierIdentity}: {@code User-Agent: nohop/<version>}, {@code Nohop-Instance});</li>
 * <li>{@code KeySetTransport}, {@code KeySetStore}, {@code KeySetDecoder}: the seam through which a
 *     source fetches, persists and decodes — always {@code KeySetFetcher}, {@code KeySetFile} and
 *     {@code KeySetLoader} in a verifier; other parts only in the fleet simulation of {@code examples},
 *     which runs on the class path (this package is not exported);</li>
 * <li>{@code EndpointUriRule}: https, or plain http only to loopback ({@code localhost}, 127.0.0.0/8,
 *     {@code ::1}, by address, no DNS) unless explicitly allowed — for configured and discovered URIs;</li>
 * <li>{@code ResponseDirectives}: {@code Cache-Control: max-age} (minus {@code Age}),
 *     {@code no-cache}/{@code no-store}, {@code Retry-After} (seconds or HTTP-date);
 *     {@code RevalidationHeaders}: the ETag / Last-Modified sent back for a 304;</li>
 * <li>{@code RefreshTiming}: lifetime = max-age clamped to [minRefresh, maxRefresh] (defaultRefresh
 *     without one); refresh at a random 75–95% of it (never before minRefresh); after failure n, a
 *     delay drawn uniformly from [initialRetryDelay/2, min(maxRefresh, initialRetryDelay·2^(n−1))], at
 *     least any Retry-After, at most maxRefresh;</li>
 * <li>{@code UnknownKidGate}: at most one unknown-kid refresh per minRefresh since the last one (a
 *     budget of its own: a scheduled fetch cannot have held a key first seen after it), plus negative
 *     entries (Caffeine, bounded, TTL negativeKidTtl) for kids a refresh did not find; a rate-limited ask
 *     is deferred (by the gate's own timer) to the end of the interval, so a genuine new kid is learned
 *     within one interval even during a flood of made-up kids. A granted refresh is <em>pending</em>
 *     until a round starts fetching for it, and {@code RefreshingKeySource.awaitKid} lets a request wait
 *     only while one is pending or in flight (at most 64 waiters per source, never past the caller's
 *     bound after that fetch was requested);</li>
 * <li>{@code KeySetChanges}: the one diff of a new key set against the keys held — what to install
 *     (unchanged keys keep their object) and what to report (added, removed, material changed);</li>
 * <li>{@code KeySetFile}: the last-known-good file, one entry per source ({@code CachedKeySet}),
 *     written atomically (temp file, fsync, rename) after every 200 and 304, restored at start when
 *     confirmed within maxStaleness; after restoring a plain JWKS the first fetch is unconditional (the
 *     file's validators are not sent back: a 304 to the endpoint's public ETag would confirm whatever
 *     keys the file holds), so a tampered file lasts one fetch at most;</li>
 * <li>{@code SignedKeySetVerifier}: for a source that pins roots ({@code PinnedRoots}), the one reader of
 *     signed key sets ({@code application/jwk-set+jwt}), fetched or restored: strict compact JWS through
 *     the token path ({@code CompactJws}, {@code VerificationKey}) under a pinned root, {@code typ},
 *     {@code iat}/{@code exp}, {@code iss} when bound, {@code exp} not passed, {@code iat} not older
 *     than the newest accepted (the rollback floor, kept by the source and restored from the file); the
 *     held set's {@code exp} caps the snapshot's {@code usableUntil} and the freshness lifetime, and a
 *     304 never confirms a set past it;</li>
 * <li>{@code DiscoveryDocument}: OpenID metadata, trusted only when its {@code issuer} is exactly the
 *     configured one; a source that pins roots follows {@code signed_jwks_uri}, never {@code jwks_uri};</li>
 * <li>{@code StatusTracker} + {@code SourceEvents}: status changes detected where the state changes
 *     (and, where no refresh round looks first, by a timer at the instants it changes by itself), logged
 *     and passed to the listener; every failure carries a stable {@link io.nohop.core.RefreshFailure} code.</li>
 * </ul>
 *
 * <p>Health: FRESH within the lifetime granted by the last confirmation (200 or 304), and past it while
 * the refresh due at its end is within the fetch timeout and has not failed — an endpoint answering
 * {@code no-cache}/{@code no-store}/{@code max-age=0} (Spring Authorization Server does) gets the minimum
 * lifetime with its refresh due at the very instant it ends, and must not read STALE (and log a warning)
 * for the length of every fetch; STALE after that; DOWN before any keys and from
 * {@code confirmation + maxStaleness} on, or the held signed set's {@code exp} if earlier (the snapshot's
 * {@code usableUntil}). {@code no-store} is read as a zero lifetime like {@code no-cache}; it does not stop
 * the cache file (public keys, the verifier's own last-known-good copy). A refused document is a failure
 * like any other: the last good keys stay, and health, events and the metric carry its code. Failed
 * fetches never replace the keys; a successful one replaces them whole,
 * so a key removed from the set is gone from the snapshot that refresh installs.
 *
 * <p>Recommended defaults (the builder's): minRefresh 30 s (also the unknown-kid budget), unknown-kid
 * wait 1 s (only while a fetch is coming), default
 * lifetime 5 min, maxRefresh 1 h (also the retry-delay cap, so an outage is probed at least hourly),
 * maxStaleness 24 h (rides out a long outage; revocation is bounded by the refresh interval, not by
 * this), initial retry delay 1 s, negative-kid TTL 1 min, connect timeout 5 s, total fetch deadline
 * 10 s, body cap 256 KiB (a JWKS of dozens of RSA-4096 keys fits in ~30 KiB).
 *
 * <p>Time comes from the environment's clock, timers from its scheduler, fetch rounds run on its
 * executor and jitter from its random generator — so tests drive everything with a fake clock and
 * scheduler. Only the fetch deadline and caller waits ({@code awaitKid}, {@code awaitFirstKeys}) use
 * real elapsed time: they bound real I/O and real threads.
 */
package io.nohop.core.internal.refresh;
