package io.nohop.keys.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --store DIR} option of every command that works on a key store, declared once. */
final class StoreOption {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The key store folder.")
    Path folder;

    Path folder() {
        return folder;
    }
}
