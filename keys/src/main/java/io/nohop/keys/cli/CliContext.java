package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import io.nohop.keys.internal.BoundedRead;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/** What a command may touch of the outside world: environment, output streams and the clock. */
final class CliContext {
    /** The largest passphrase file read (its first line is the passphrase). */
    static final int MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;


    static final String PASSPHRASE_VARIABLE = "NOHOP_PASSPHRASE";

    final Map<String, String> environment;
    final PrintStream out;
    final PrintStream err;
    final Clock clock;

    CliContext(Map<String, String> environment, PrintStream out, PrintStream err, Clock clock) {
        this.environment = Map.copyOf(environment);
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /**
     * The passphrase from {@code --passphrase-file} (first line, without its line ending) or else
     * from {@code NOHOP_PASSPHRASE}.
     */
    char[] passphrase(Path passphraseFile) throws StoreException {
        if (passphraseFile != null) {
            byte[] bytes;
            try {
                // Only the first line is used, so a few KB at most are read: a device or a huge file is refused
                // instead of filling memory. A pipe is read (--passphrase-file <(secret-tool ...)).
                bytes = BoundedRead.readNamedByUser(passphraseFile, MAX_PASSPHRASE_FILE_BYTES);
            } catch (IOException e) {
                throw new StoreException("cannot read the passphrase file " + passphraseFile + ": "
                        + FileProblem.reason(e));
            }
            try {
                int end = bytes.length;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n' || bytes[i] == '\r') {
                        end = i;
                        break;
                    }
                }
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, end));
                char[] passphrase = new char[chars.remaining()];
                chars.get(passphrase);
                Arrays.fill(chars.array(), '\0');
                if (passphrase.length == 0) {
                    throw new StoreException("the passphrase file " + passphraseFile + " is empty");
                }
                return passphrase;
            } catch (CharacterCodingException e) {
                throw new StoreException("the passphrase file " + passphraseFile + " is not UTF-8");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
        String value = environment.get(PASSPHRASE_VARIABLE);
        if (value == null) {
            throw new StoreException("no passphrase: set " + PASSPHRASE_VARIABLE + " or use --passphrase-file FILE");
        }
        if (value.isEmpty()) {
            throw new StoreException(PASSPHRASE_VARIABLE + " is empty");
        }
        return value.toCharArray();
    }
}
