package io.nohop.keys.cli;

import io.nohop.core.PinnedRoots;
import io.nohop.keys.internal.BoundedRead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The {@code --key-set-signer FILE} files of {@code verify} and {@code doctor}, read into pinned roots once. */
final class KeySetSigners {

    // A public JWK is well under 2 KiB (RSA-4096 included); anything far larger is not one.
    static final int MAX_SIGNER_FILE_BYTES = 64 * 1024;

    private KeySetSigners() {
    }

    /**
     * Reads each file; an unreadable file or one that is not a root's public JWK is a usage error.
     *
     * @param files the --key-set-signer files, in order
     * @param commandLine the command, for the usage error
     * @return the pinned roots, or empty when no file was given
     */
    static Optional<PinnedRoots> read(List<Path> files, CommandLine commandLine) {
        if (files.isEmpty()) {
            return Optional.empty();
        }
        List<String> jwks = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (Path file : files) {
            String jwk;
            try {
                if (Files.isRegularFile(file) && Files.size(file) > MAX_SIGNER_FILE_BYTES) {
                    throw new ParameterException(commandLine, "--key-set-signer " + file + " is larger than "
                            + MAX_SIGNER_FILE_BYTES + " bytes: it should hold one public JWK");
                }
                jwk = new String(BoundedRead.read(file, MAX_SIGNER_FILE_BYTES), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ParameterException(commandLine, "--key-set-signer " + file + " cannot be read: "
                        + FileProblem.reason(e));
            }
            String kid;
            try {
                kid = PinnedRoots.of(jwk).kids().get(0);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(commandLine, "--key-set-signer " + file + ": " + e.getMessage());
            }
            Path earlier = seen.putIfAbsent(kid, file);
            if (earlier != null) {
                throw new ParameterException(commandLine, "--key-set-signer " + file + " holds the same root (kid "
                        + kid + ") as " + earlier);
            }
            jwks.add(jwk);
        }
        try {
            return Optional.of(PinnedRoots.of(jwks));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "--key-set-signer " + files + ": " + e.getMessage());
        }
    }
}
