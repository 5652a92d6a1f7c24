package io.nohop.keys;

import io.nohop.keys.internal.PassphraseCipher.KdfParameters;
import io.nohop.keys.internal.PassphraseCipher.Sealed;

/**
 * A key record's encrypted private JWK, with the parameters needed to decrypt it.
 *
 * @param kdf salt and iteration count of the passphrase key derivation
 * @param sealed nonce and AES-GCM ciphertext
 */
record SealedPrivateKey(KdfParameters kdf, Sealed sealed) {
}
