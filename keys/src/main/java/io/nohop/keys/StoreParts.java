package io.nohop.keys;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What the commands of one open {@link SigningKeyStore} share, built once per store object: its folder,
 * clock and lock bound, the settings read when it was opened, and the parts that read and write its files.
 *
 * @param folder the store folder (absolute, normalized)
 * @param clock the store's clock
 * @param lockTimeout how long a writer waits for another process's lock
 * @param storeFile {@code store.json} as read when the store was opened
 * @param directory record files, {@code root.json}, the lock and housekeeping
 * @param secrets the passphrase check, the settings MAC, sealing and opening keys
 * @param keySetFile the signed key set
 * @param reconciliation records checked against the audit log
 */
record StoreParts(Path folder, Clock clock, Duration lockTimeout, StoreCodec.StoreFile storeFile,
                  StoreDirectory directory, StoreSecrets secrets, KeySetFile keySetFile,
                  AuditReconciliation reconciliation) {

    /** The parts of the store at {@code folder}, read from {@code storeFile}. */
    static StoreParts of(Path folder, Clock clock, Duration lockTimeout, StoreCodec.StoreFile storeFile) {
        StoreDirectory directory = new StoreDirectory(folder, storeFile);
        StoreSecrets secrets = new StoreSecrets(storeFile);
        KeySetFile keySetFile = new KeySetFile(folder, storeFile.config());
        return new StoreParts(folder, clock, lockTimeout, storeFile, directory, secrets, keySetFile,
                new AuditReconciliation(folder, directory, secrets, keySetFile));
    }
}
