package io.nohop.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.internal.KeyDerivation;
import io.nohop.keys.internal.KeyMaterial;
import io.nohop.keys.internal.PassphraseCipher;
import io.nohop.keys.internal.PassphraseCipher.Sealed;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * What the passphrase protects in a store: the passphrase check and the settings MAC of
 * {@code store.json}, and the sealed private parts of the root keys and the key records (each bound
 * to its kind and kid by its AAD). Nothing sealed here opens, and no MAC here verifies, without the
 * key-encryption key derived from the passphrase.
 */
final class StoreSecrets {

    private static final byte[] CHECK_PLAINTEXT = "nohop passphrase check".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CHECK_AAD = "nohop:passphrase-check".getBytes(StandardCharsets.UTF_8);
    private static final String SETTINGS_MAC_PREFIX = "nohop store settings v1\n";

    private final StoreCodec.StoreFile storeFile;

    StoreSecrets(StoreCodec.StoreFile storeFile) {
        this.storeFile = storeFile;
    }

    /** Seals the passphrase check of a new store's {@code store.json}, which {@link #unlock} opens. */
    static Sealed sealPassphraseCheck(SecretKey kek) {
        return PassphraseCipher.seal(kek, CHECK_PLAINTEXT, CHECK_AAD);
    }

    /**
     * Derives the key-encryption key, checks it against the store's passphrase check and the settings
     * against their MAC: the one slow step.
     */
    SecretKey unlock(char[] passphrase) throws StoreException {
        requirePassphrase(passphrase);
        SecretKey kek = PassphraseCipher.deriveKey(passphrase, storeFile.kdf());
        try {
            PassphraseCipher.open(kek, storeFile.passphraseCheck(), CHECK_AAD);
        } catch (AEADBadTagException e) {
            throw new WrongPassphraseException("wrong passphrase");
        }
        if (storeFile.format() >= StoreCodec.STORE_FORMAT) {
            String expected = withSettingsMac(storeFile.withoutMac(), kek).settingsMac().orElseThrow();
            if (!storeFile.settingsMac().map(m -> KeyDerivation.tagsEqual(m.getBytes(StandardCharsets.US_ASCII),
                    expected.getBytes(StandardCharsets.US_ASCII))).orElse(false)) {
                throw new StoreException(SigningKeyStore.STORE_FILE + " was altered without the passphrase (its settings MAC"
                        + " does not match): restore it from a backup");
            }
        }
        return kek;
    }

    /**
     * Decrypts a record's private key into a signer.
     *
     * @param record the record
     * @param kek the key from {@link #unlock}, used when the record shares the store's KDF parameters
     * @param passphrase used only when the record has its own KDF parameters
     */
    JWSSigner signer(KeyRecord record, SecretKey kek, char[] passphrase) throws StoreException {
        JWK jwk = openPrivateKey(record, sealedKey(record.sealedPrivateKey().orElseThrow(() -> new StoreException(
                "the private key of " + record.kid() + " has been destroyed")), kek, passphrase));
        try {
            return KeyMaterial.signer(jwk);
        } catch (JOSEException e) {
            throw new StoreException("corrupt key record " + record.kid() + ": " + SigningKeyStore.oneLine(e.getMessage()));
        }
    }

    private SecretKey sealedKey(SealedPrivateKey sealed, SecretKey kek, char[] passphrase) {
        return sealed.kdf().sameAs(storeFile.kdf()) ? kek : PassphraseCipher.deriveKey(passphrase, sealed.kdf());
    }

    private JWK openPrivateKey(KeyRecord record, SecretKey key) throws StoreException {
        SealedPrivateKey sealed = record.sealedPrivateKey().orElseThrow(() -> new StoreException(
                "the private key of " + record.kid() + " has been destroyed"));
        byte[] plaintext;
        try {
            plaintext = PassphraseCipher.open(key, sealed.sealed(), privateKeyAad(record.kid()));
        } catch (AEADBadTagException e) {
            throw new WrongPassphraseException("wrong passphrase (or the private key of " + record.kid() + " was altered)");
        }
        try {
            JWK jwk = JWK.parse(new String(plaintext, StandardCharsets.UTF_8));
            if (!jwk.isPrivate() || !jwk.computeThumbprint().toString().equals(record.kid())) {
                throw new StoreException("corrupt key record " + record.kid() + ": private key does not match its kid");
            }
            return jwk;
        } catch (ParseException | JOSEException e) {
            throw new StoreException("corrupt key record " + record.kid() + ": " + SigningKeyStore.oneLine(e.getMessage()));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    boolean privateKeyOpens(KeyRecord record, SecretKey kek) {
        SealedPrivateKey sealed = record.sealedPrivateKey().orElseThrow();
        if (!sealed.kdf().sameAs(storeFile.kdf())) {
            return true; // another passphrase's parameters: only the signer can tell, with the passphrase itself
        }
        try {
            openPrivateKey(record, kek);
            return true;
        } catch (StoreException e) {
            return false;
        }
    }

    StoreRoots.Entry sealRoot(JWK privateJwk, SecretKey kek, Instant now, Optional<String> endorsement) {
        String kid = privateJwk.getKeyID();
        Sealed sealed = PassphraseCipher.seal(kek, privateJwk.toJSONString().getBytes(StandardCharsets.UTF_8), rootAad(kid));
        return new StoreRoots.Entry(kid, SigningAlgorithm.parse(privateJwk.getAlgorithm().getName()), privateJwk.toPublicJWK(),
                now, Optional.empty(), endorsement, Optional.of(new SealedPrivateKey(storeFile.kdf(), sealed)));
    }

    /** Decrypts a root's private JWK; a root that does not open under the right passphrase was altered. */
    JWK openRoot(StoreRoots.Entry root, SecretKey kek) throws StoreException {
        String altered = SigningKeyStore.ROOT_FILE + " was altered without the passphrase: the private part of root "
                + root.kid();
        SealedPrivateKey sealed = root.privateKey().orElseThrow(() -> new StoreException(altered + " is missing"));
        if (!sealed.kdf().sameAs(storeFile.kdf())) {
            throw new StoreException(altered + " is not sealed under this store's passphrase");
        }
        byte[] plaintext;
        try {
            plaintext = PassphraseCipher.open(kek, sealed.sealed(), rootAad(root.kid()));
        } catch (AEADBadTagException e) {
            throw new StoreException(altered + " does not open");
        }
        try {
            JWK jwk = JWK.parse(new String(plaintext, StandardCharsets.UTF_8));
            if (!jwk.isPrivate() || !jwk.computeThumbprint().toString().equals(root.kid())
                    || !jwk.toPublicJWK().equals(root.publicJwk())) {
                throw new StoreException(altered + " does not match its public key");
            }
            return jwk;
        } catch (ParseException | JOSEException e) {
            throw new StoreException(altered + " is not a JWK");
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    KeyRecord newRecord(long sequence, JWK privateJwk, SecretKey kek, Instant createdAt, Instant activateAt) {
        String kid = privateJwk.getKeyID();
        Sealed sealed = PassphraseCipher.seal(kek, privateJwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                privateKeyAad(kid));
        return KeyRecord.of(sequence, kid, storeFile.config().algorithm(), privateJwk.toPublicJWK(), createdAt, activateAt,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new SealedPrivateKey(storeFile.kdf(), sealed)));
    }

    static StoreCodec.StoreFile withSettingsMac(StoreCodec.StoreFile file, SecretKey kek) {
        SecretKey key = KeyDerivation.hmacKey(kek, KeyDerivation.SETTINGS_MAC);
        byte[] text = StoreCodec.writeStore(file.withoutMac());
        byte[] input = new byte[SETTINGS_MAC_PREFIX.length() + text.length];
        System.arraycopy(SETTINGS_MAC_PREFIX.getBytes(StandardCharsets.US_ASCII), 0, input, 0, SETTINGS_MAC_PREFIX.length());
        System.arraycopy(text, 0, input, SETTINGS_MAC_PREFIX.length(), text.length);
        String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(KeyDerivation.hmac(key, input));
        return new StoreCodec.StoreFile(file.config(), file.kdf(), file.passphraseCheck(), file.createdAt(), file.format(),
                Optional.of(mac));
    }

    private static byte[] privateKeyAad(String kid) {
        return ("nohop:private-key:" + kid).getBytes(StandardCharsets.UTF_8);
    }

    /** Distinct from {@link #privateKeyAad}: a root's ciphertext can never be opened as a signing key's. */
    private static byte[] rootAad(String kid) {
        return ("nohop:root-key:" + kid).getBytes(StandardCharsets.UTF_8);
    }

    static void requirePassphrase(char[] passphrase) throws StoreException {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length == 0) {
            throw new StoreException("the passphrase is empty");
        }
    }
}
