package io.nohop.keys.cli;

import io.nohop.keys.SignedKeySet;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.internal.AtomicFileWriter;
import io.nohop.keys.server.StorePublication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the public JWKS to a file, for static hosting.",
            "The file holds the keys of the latest signed key set, as serve publishes them, public members only:"
                + " PENDING, ACTIVE and RETIRING keys, and a key past its removal time until rotate --if-due"
                + " re-signs the set (a warning says so). It is replaced atomically (a reader never sees half a"
                + " file) and made world-readable; missing folders on the way to it are created; an existing"
                + " target must be a regular file. Export again after every rotate or revoke, and at least every"
                + " minute (from cron, after rotate --if-due)."})
final class ExportCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The file to write the JWKS to; a web server serves it as /.well-known/jwks.json.")
    Path out;

    @Option(names = "--signed", description = "Write the signed key set (compact JWS, application/jwk-set+jwt) instead.")
    boolean signed;

    @Override
    public Integer call() throws StoreException {
        CliContext context = parent.context;
        StoreSnapshot snapshot = SigningKeyStore.open(store.folder(), context.clock).snapshot();
        // What is exported is exactly the latest signed key set, checked under the root: never the records.
        SignedKeySet set = snapshot.signedKeySet().orElseThrow(() -> new StoreException(
                "nothing to export: " + snapshot.keySetProblem().orElse("no signed key set")));
        // Nor a set that brings a revoked key back (an older keyset.jwt put back), whatever file it would go to.
        StorePublication.refuseRevokedKeys(snapshot, set, context.clock.instant());
        byte[] content = signed ? set.compactSerialization().getBytes(StandardCharsets.US_ASCII)
                : (set.jwksJson() + "\n").getBytes(StandardCharsets.UTF_8);
        if (out.toString().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--out must name a file");
        }
        Path target = out.toAbsolutePath();
        // The write replaces the target by a rename: a device, pipe, socket or folder there would be
        // replaced by a file (export --out /dev/stdout would destroy the device node).
        // (A symbolic link is replaced, not followed: what it pointed to is left alone.)
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(target)
                && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("cannot write " + out + ": " + (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)
                    ? "it is a folder" : "it is not a regular file (a device, pipe or socket)")
                    + "; name a regular file, or a new one");
        }
        Path folder = target.getParent();
        boolean created = false;
        if (!Files.isDirectory(folder)) {
            try {
                // Default permissions (umask): the folder is for a web server to read, like the file.
                Files.createDirectories(folder);
                created = true;
            } catch (IOException e) {
                throw new StoreException("cannot create the folder " + shown(folder) + ": " + obstacle(folder, e), e);
            }
        }
        try {
            // World-readable: a JWKS is public by definition and is meant for a web server to serve.
            AtomicFileWriter.write(target, content, AtomicFileWriter.WORLD_READABLE);
        } catch (IOException e) {
            // The reason only: the path in the exception is the temporary file, which means nothing to the user.
            throw new StoreException("cannot write " + out + ": " + FileProblem.reason(e), e);
        }
        int keys = set.kids().size();
        context.out.println("wrote " + keys + (keys == 1 ? " key" : " keys") + " to " + out
                + (signed ? " (signed key set, expires " + set.expiresAt() + ")" : "")
                + (created ? " (created the folder " + shown(folder) + ")" : ""));
        PublicationWarnings.print(context, snapshot, store.folder(), context.clock.instant());
        return 0;
    }

    /** The folder as the user wrote it, when they gave one. */
    private String shown(Path folder) {
        return out.getParent() != null ? out.getParent().toString() : folder.toString();
    }

    /** Why a folder cannot be created, naming the part of the path that is in the way. */
    private static String obstacle(Path folder, IOException e) {
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            return existing + " is a file, not a folder";
        }
        return FileProblem.reason(e) + (existing != null ? " in " + existing : "");
    }
}
