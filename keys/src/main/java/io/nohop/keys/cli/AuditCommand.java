package io.nohop.keys.cli;

import io.nohop.keys.AuditVerification;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Work with the store's hash-chained audit log.",
        subcommands = AuditCommand.Verify.class)
final class AuditCommand {

    @ParentCommand
    NohopCommand parent;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the audit log's hash chain; exit 1 naming the first broken entry.")
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        AuditCommand audit;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store folder.")
        Path store;

        @Override
        public Integer call() throws StoreException {
            CliContext context = audit.parent.context;
            AuditVerification result = SigningKeyStore.open(store, context.clock).verifyAudit();
            if (!result.intact()) {
                throw new StoreException("audit log broken: " + result.problem().orElseThrow());
            }
            context.out.println("audit log intact: " + result.entries() + " entries"
                    + (result.tornTail() ? " (an incomplete last line from an interrupted write was ignored)" : ""));
            return 0;
        }
    }
}
