package io.nohop.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.Base64URL;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/**
 * Signs access tokens for the issuing service with the key ACTIVE at the clock's instant.
 *
 * <p>Each token gets header {@code alg}, {@code kid} and {@code typ: at+jwt} (RFC 9068), and claims
 * {@code iss} (the store's issuer, if any), {@code sub}, {@code aud}, {@code iat}, {@code exp}
 * ({@code iat + ttl}; a ttl over the store's T is refused so that a retiring key is never unpublished
 * while its tokens are valid) and {@code jti} (128 random bits, base64url).
 *
 * <p>Only the ACTIVE key signs, and only while it is in the store's signed key set (checked under the
 * root key): a key the root did not publish never signs, and the root key itself is no key record, so
 * it can never sign a token.
 *
 * <p>The store is re-read at most once per reload interval (default 1 s), so rotations and
 * revocations by other processes take effect within it. The passphrase is checked once (the slow
 * key derivation) on the first {@link #issue}; each key is decrypted once and its signer kept in
 * memory until {@link #close()}. Thread-safe.
 */
public final class TokenIssuer implements AutoCloseable {

    /** Default interval between re-reads of the store. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(1);

    private static final JOSEObjectType ACCESS_TOKEN_TYPE = new JOSEObjectType("at+jwt");

    private final SigningKeyStore store;
    private final Clock clock;
    private final Duration reloadInterval;
    private final char[] passphrase;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, JWSSigner> signers = new ConcurrentHashMap<>();
    private SecretKey kek;
    private StoreSnapshot snapshot;
    private Instant nextReload = Instant.MIN;

    private TokenIssuer(SigningKeyStore store, char[] passphrase, Clock clock, Duration reloadInterval) {
        this.store = store;
        this.passphrase = passphrase.clone();
        this.clock = clock;
        this.reloadInterval = reloadInterval;
    }

    /**
     * Creates an issuer that reads the store's clock.
     *
     * @param store the key store
     * @param passphrase the store passphrase (copied; wiped on {@link #close()})
     * @return the issuer
     */
    public static TokenIssuer create(SigningKeyStore store, char[] passphrase) {
        return create(store, passphrase, store.clock(), DEFAULT_RELOAD_INTERVAL);
    }

    /**
     * Creates an issuer.
     *
     * @param store the key store
     * @param passphrase the store passphrase (copied; wiped on {@link #close()})
     * @param clock the clock that decides which key is active and sets {@code iat}
     * @param reloadInterval how often to re-read the store; zero re-reads on every token
     * @return the issuer
     */
    public static TokenIssuer create(SigningKeyStore store, char[] passphrase, Clock clock, Duration reloadInterval) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (reloadInterval.isNegative()) {
            throw new IllegalArgumentException("reload interval must not be negative: " + reloadInterval);
        }
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("the passphrase is empty");
        }
        return new TokenIssuer(store, passphrase, clock, reloadInterval);
    }

    /**
     * Signs a token.
     *
     * @param request subject, audiences, lifetime and extra claims
     * @return the compact JWS
     * @throws NoActiveKeyException if no key is ACTIVE now, or the active key is not in the signed key set
     * @throws WrongPassphraseException if the passphrase is wrong
     * @throws ScheduleRefusedException if the lifetime exceeds the store's T
     * @throws StoreException if the store cannot be read or has no valid signed key set
     */
    public synchronized String issue(TokenRequest request) throws StoreException {
        Objects.requireNonNull(request, "request");
        StoreConfig config = store.config();
        if (request.ttl().compareTo(config.maxTokenLifetime()) > 0) {
            throw new ScheduleRefusedException("refused: token lifetime " + Durations.format(request.ttl())
                    + " exceeds the store's maximum token lifetime T = " + Durations.format(config.maxTokenLifetime()));
        }
        Instant now = clock.instant();
        if (snapshot == null || !now.isBefore(nextReload)) {
            snapshot = store.snapshot();
            nextReload = now.plus(reloadInterval);
        }
        KeyRecord active = snapshot.activeAt(now).orElseThrow(() -> new NoActiveKeyException(noActiveKeyMessage(now)));
        // Only a key the root published signs: verifiers that pin the root know no other.
        SignedKeySet published = snapshot.signedKeySet().orElseThrow(() -> new StoreException(
                "refusing to sign: " + snapshot.keySetProblem().orElse("no signed key set")));
        if (!published.kids().contains(active.kid())) {
            throw new NoActiveKeyException("refusing to sign: key " + active.kid() + " is active but not in the signed key"
                    + " set (run nohop rotate --store " + store.folder() + " --if-due to sign it again)");
        }
        if (kek == null) {
            kek = store.unlock(passphrase);
        }
        JWSSigner signer = signers.get(active.kid());
        if (signer == null) {
            signer = store.signer(active, kek, passphrase);
            signers.put(active.kid(), signer);
        }
        Instant issuedAt = now.truncatedTo(ChronoUnit.SECONDS);
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        request.claims().forEach(claims::claim);
        config.issuer().ifPresent(claims::issuer);
        request.subject().ifPresent(claims::subject);
        if (request.audiences().size() == 1) {
            claims.audience(request.audiences().get(0));
        } else if (!request.audiences().isEmpty()) {
            claims.audience(request.audiences());
        }
        claims.issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(request.ttl())))
                .jwtID(Base64URL.encode(jti).toString());
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.parse(active.algorithm().jwsName()))
                .keyID(active.kid())
                .type(ACCESS_TOKEN_TYPE)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new StoreException("signing with " + active.kid() + " failed: " + SigningKeyStore.oneLine(e.getMessage()), e);
        }
        return jwt.serialize();
    }

    private String noActiveKeyMessage(Instant now) {
        Optional<KeyRecord> next = snapshot.records().stream()
                .filter(r -> RotationSchedule.canSignNowOrLater(r, now))
                .findFirst();
        return "no key is active at " + now.truncatedTo(ChronoUnit.SECONDS)
                + next.map(r -> "; key " + r.kid() + " activates at " + r.activateAt())
                        .orElse("; no key is scheduled to sign (run nohop rotate)");
    }

    /** Forgets the passphrase and the decrypted keys. */
    @Override
    public synchronized void close() {
        Arrays.fill(passphrase, '\0');
        signers.clear();
        kek = null;
    }
}
