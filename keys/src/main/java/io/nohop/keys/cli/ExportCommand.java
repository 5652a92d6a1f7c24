package io.nohop.keys.cli;

import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.internal.AtomicFileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the public JWKS of the keys published now (PENDING, ACTIVE, RETIRING), atomically.")
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store folder.")
    Path store;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JWKS.")
    Path out;

    @Override
    public Integer call() throws StoreException {
        CliContext context = parent.context;
        StoreSnapshot snapshot = SigningKeyStore.open(store, context.clock).snapshot();
        Instant now = context.clock.instant();
        String jwks = snapshot.jwksJsonAt(now);
        try {
            // World-readable: a JWKS is public by definition and is meant for a web server to serve.
            AtomicFileWriter.write(out.toAbsolutePath(), (jwks + "\n").getBytes(StandardCharsets.UTF_8),
                    AtomicFileWriter.WORLD_READABLE);
        } catch (IOException e) {
            throw new StoreException("cannot write " + out + ": " + NohopCommand.oneLine(
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        context.out.println("wrote " + snapshot.publishedAt(now).size() + " keys to " + out);
        return 0;
    }
}
