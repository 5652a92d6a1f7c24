package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --passphrase-file FILE} option of every command that decrypts or creates private keys.
 * Its presence is also what gives a command the passphrase paragraph of the usage footer.
 */
final class PassphraseOption {

    static final String NAME = "--passphrase-file";

    @Option(names = NAME, paramLabel = "FILE",
            description = "Read the passphrase from the first line of FILE instead of NOHOP_PASSPHRASE.")
    Path file;

    /** The passphrase, from the file when one was given, else from the environment; the caller wipes it. */
    char[] read(CliContext context) throws StoreException {
        return context.passphrase(file);
    }
}
