package io.nohop.keys.cli;

import io.nohop.keys.SignedKeySet;
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

    @Option(names = "--signed", description = "Write the signed key set (compact JWS, application/jwk-set+jwt) instead.")
    boolean signed;

    @Override
    public Integer call() throws StoreException {
        CliContext context = parent.context;
        StoreSnapshot snapshot = SigningKeyStore.open(store, context.clock).snapshot();
        // What is exported is exactly the latest signed key set, checked under the root: never the records.
        SignedKeySet set = snapshot.signedKeySet().orElseThrow(() -> new StoreException(
                "nothing to export: " + snapshot.keySetProblem().orElse("no signed key set")));
        byte[] content = signed ? set.compactSerialization().getBytes(StandardCharsets.US_ASCII)
                : (set.jwksJson() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            // World-readable: a JWKS is public by definition and is meant for a web server to serve.
            AtomicFileWriter.write(out.toAbsolutePath(), content, AtomicFileWriter.WORLD_READABLE);
        } catch (IOException e) {
            throw new StoreException("cannot write " + out + ": " + NohopCommand.oneLine(
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        context.out.println("wrote " + set.kids().size() + " keys to " + out
                + (signed ? " (signed key set, expires " + set.expiresAt() + ")" : ""));
        Instant now = context.clock.instant();
        if (!set.expiresAt().isAfter(now)) {
            context.err.println("nohop: warning: the signed key set expired at " + set.expiresAt()
                    + "; verifiers that pin the root refuse it: run nohop rotate --store " + store + " --if-due");
        }
        return 0;
    }
}
