package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show which verifier instances hold the published keys.",
            "Asks the endpoint's admin listener (nohop serve --admin-bind) and prints one line per key, then"
                + " a summary of the instances seen. --json prints the endpoint's status document (one line)."
                + " An unreachable admin URL is exit 1."})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--admin-url", required = true, paramLabel = "URL",
            description = "The admin listener of nohop serve, e.g. http://127.0.0.1:9100.")
    String adminUrl;

    @Option(names = "--json", description = "Print the status document as JSON.")
    boolean json;

    @Override
    public Integer call() throws StoreException {
        URI admin = FleetStatus.parseUrl(adminUrl, spec.commandLine());
        CliContext context = parent.context;
        FleetStatus status = FleetStatus.fetch(admin);
        if (json) {
            context.out.println(status.json());
            return 0;
        }
        Instant now = context.clock.instant();
        for (String line : status.keySentences(now)) {
            context.out.println(line);
        }
        context.out.println(status.summarySentence());
        return 0;
    }
}
