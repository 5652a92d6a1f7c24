package io.nohop.core.internal.crypto;

import io.nohop.core.internal.keyset.JwsAlgorithm;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;

/**
 * Where one verifier's signature checks come from, fixed when it is built: a JCA provider given by the
 * application ({@code cryptoProvider}), the native provider when asked for and healthy
 * ({@code preferNativeCrypto}), or the JDK's installed providers — with EdDSA through BouncyCastle's
 * pure-Java Ed25519 when bcprov is on the class path and the installed Ed25519 is the JDK's own.
 *
 * <p>Only checking objects come from here ({@link #newCheck}); keys are decoded by the JDK whatever the
 * provider. Immutable and thread-safe; the checks it makes are not (one per key, algorithm and thread).
 */
public final class SignatureEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SignatureEngine.class);

    /** How EdDSA is checked by BouncyCastle, in {@link #describe}. */
    private static final String BOUNCY_CASTLE = "BouncyCastle";

    /** Whether BouncyCastle's Ed25519 is present and passes its self-test; decided once per JVM, logged once. */
    private static final class BouncyCastle {
        static final boolean USABLE = probe();
        static final String VERSION = USABLE ? BouncyCastleEd25519.version() : "";

        private static boolean probe() {
            try {
                if (BouncyCastleEd25519.selfTest()) {
                    return true;
                }
                LOG.warn("BouncyCastle's Ed25519 failed its self-test; EdDSA stays with the JDK's provider");
            } catch (LinkageError absentOrTooOld) {
                LOG.debug("no usable BouncyCastle Ed25519 (bcprov 1.78+) on the class path: {}", absentOrTooOld.toString());
            }
            return false;
        }
    }

    private final @Nullable Provider provider;
    private final boolean bouncyCastleEd25519;

    private SignatureEngine(@Nullable Provider provider, boolean bouncyCastleEd25519) {
        this.provider = provider;
        this.bouncyCastleEd25519 = bouncyCastleEd25519;
    }

    /**
     * The default: the JDK's installed providers (in their installed order), EdDSA through BouncyCastle
     * when it is usable and would replace the JDK's own Ed25519 (not a faster provider the application
     * installed globally).
     *
     * @return the default engine
     */
    public static SignatureEngine defaults() {
        return new SignatureEngine(null, BouncyCastle.USABLE && installedEd25519IsTheJdks());
    }

    /**
     * The JDK's installed providers only, BouncyCastle or not: for tests that compare implementations.
     *
     * @return an engine that never uses BouncyCastle
     */
    public static SignatureEngine installedProvidersOnly() {
        return new SignatureEngine(null, false);
    }

    /**
     * One provider for every signature, EdDSA included.
     *
     * @param provider the provider; used for this verifier only, never installed
     * @return the engine
     */
    public static SignatureEngine withProvider(Provider provider) {
        return new SignatureEngine(provider, false);
    }

    /**
     * The native provider when it loads and is healthy here, else {@link #defaults()}; either outcome
     * is logged once per JVM.
     *
     * @return the engine
     */
    public static SignatureEngine preferNative() {
        return NativeCrypto.provider().map(SignatureEngine::withProvider).orElseGet(SignatureEngine::defaults);
    }

    /** @return why {@link #preferNative()} fell back to the JDK, or empty when native crypto is available */
    public static java.util.Optional<String> whyNativeUnavailable() {
        return NativeCrypto.whyUnavailable();
    }

    private static boolean installedEd25519IsTheJdks() {
        try {
            return "SunEC".equals(Signature.getInstance("Ed25519").getProvider().getName());
        } catch (NoSuchAlgorithmException e) {
            return true;
        }
    }

    /**
     * Whether EdDSA goes through BouncyCastle's Ed25519 (with each key's point decoded on load).
     *
     * @return true when it does
     */
    public boolean bouncyCastleEd25519() {
        return bouncyCastleEd25519;
    }

    /**
     * Whether BouncyCastle's Ed25519 is usable in this JVM, so the loader decodes Ed25519 points for it.
     *
     * @return true when bcprov 1.78+ is present and passed its self-test
     */
    public static boolean bouncyCastleUsable() {
        return BouncyCastle.USABLE;
    }

    /**
     * Decodes an Ed25519 public key for BouncyCastle, once per key.
     *
     * @param publicKey the 32 key bytes
     * @return the check, or null when BouncyCastle is not usable or the bytes are not a curve point
     */
    public static @Nullable Ed25519Check decodeEd25519(byte[] publicKey) {
        return BouncyCastle.USABLE ? BouncyCastleEd25519.forKey(publicKey) : null;
    }

    /**
     * Makes the check of one key for one algorithm (called once per key, algorithm and thread).
     *
     * @param algorithm the algorithm; the key fits it
     * @param key the JDK key object
     * @return an initialised check
     * @throws GeneralSecurityException when the provider lacks the algorithm or refuses the key
     */
    public SignatureCheck newCheck(JwsAlgorithm algorithm, PublicKey key) throws GeneralSecurityException {
        if (isPkcs1(algorithm) || isPss(algorithm)) {
            if (!(key instanceof RSAPublicKey rsa)) {
                throw new java.security.InvalidKeyException("not an RSA key");
            }
            return isPss(algorithm) ? RsaPssCheck.create(algorithm, rsa, this) : RsaPkcs1Check.create(algorithm, rsa, this);
        }
        Signature signature = signature(algorithm);
        if (algorithm.parameters() != null) {
            signature.setParameter(algorithm.parameters());
        }
        signature.initVerify(key);
        return new JcaSignatureCheck(signature);
    }

    private static boolean isPkcs1(JwsAlgorithm algorithm) {
        return algorithm == JwsAlgorithm.RS256 || algorithm == JwsAlgorithm.RS384 || algorithm == JwsAlgorithm.RS512;
    }

    private static boolean isPss(JwsAlgorithm algorithm) {
        return algorithm == JwsAlgorithm.PS256 || algorithm == JwsAlgorithm.PS384 || algorithm == JwsAlgorithm.PS512;
    }

    private Signature signature(JwsAlgorithm algorithm) throws NoSuchAlgorithmException {
        return provider == null ? Signature.getInstance(algorithm.jcaName())
                : Signature.getInstance(algorithm.jcaName(), provider);
    }

    Cipher rawRsa() throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance("RSA/ECB/NoPadding") : Cipher.getInstance("RSA/ECB/NoPadding", provider);
    }

    /**
     * Checks, when the verifier is built, that every allowed algorithm can be checked.
     *
     * @param algorithms the verifier's allowlist
     * @throws IllegalStateException naming each algorithm and the service the provider lacks
     */
    public void requireAlgorithms(Set<JwsAlgorithm> algorithms) {
        List<String> missing = new ArrayList<>();
        for (JwsAlgorithm algorithm : algorithms) {
            try {
                providerOf(algorithm);
            } catch (GeneralSecurityException e) {
                missing.add(algorithm + " (" + needs(algorithm) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the crypto provider " + (provider == null ? "list" : provider.getName())
                    + " cannot check " + String.join(", ", missing)
                    + ": restrict algorithms(...) or use another provider");
        }
    }

    private static String needs(JwsAlgorithm algorithm) {
        return isPkcs1(algorithm) || isPss(algorithm) ? "Cipher RSA/ECB/NoPadding" : "Signature " + algorithm.jcaName();
    }

    private String providerOf(JwsAlgorithm algorithm) throws GeneralSecurityException {
        if (algorithm == JwsAlgorithm.EdDSA && bouncyCastleEd25519) {
            return BouncyCastle.VERSION.isEmpty() ? BOUNCY_CASTLE + " (pure Java)"
                    : BOUNCY_CASTLE + " " + BouncyCastle.VERSION + " (pure Java)";
        }
        Provider p;
        if (isPkcs1(algorithm) || isPss(algorithm)) {
            MessageDigest.getInstance(isPss(algorithm) ? RsaPssCheck.digestName(algorithm) : RsaPkcs1Check.digestName(algorithm));
            p = rawRsa().getProvider();
        } else {
            p = signature(algorithm).getProvider();
        }
        return p.getName() + " " + p.getVersionStr();
    }

    /**
     * What checks each algorithm, for health pages and the log.
     *
     * @param algorithms the verifier's allowlist
     * @return algorithm name → provider name and version (e.g. {@code AmazonCorrettoCryptoProvider 2.5.0}),
     *         in the order of {@link JwsAlgorithm}
     */
    public Map<String, String> describe(Set<JwsAlgorithm> algorithms) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JwsAlgorithm algorithm : JwsAlgorithm.values()) {
            if (algorithms.contains(algorithm)) {
                try {
                    out.put(algorithm.name(), providerOf(algorithm));
                } catch (GeneralSecurityException e) {
                    out.put(algorithm.name(), "unavailable");
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return "SignatureEngine[" + (provider == null ? "installed providers" : provider.getName())
                + (bouncyCastleEd25519 ? ", EdDSA by BouncyCastle" : "") + "]";
    }
}
