package io.nohop.keys.cli;

import io.nohop.keys.AuditVerification;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Check the store's hash-chained audit log.",
            "Every change to the store is appended to DIR/audit.log, one JSON object per line, each holding"
                + " the SHA-256 of the line before it."},
        subcommands = AuditCommand.Verify.class)
final class AuditCommand {

    @ParentCommand
    NohopCommand parent;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the audit log's hash chain.",
                "Exit 0 when every entry links to the one before it and the log ends where DIR/audit.head says;"
                    + " exit 1 naming the first broken entry."})
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        AuditCommand audit;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() throws StoreException {
            CliContext context = audit.parent.context;
            AuditVerification result = SigningKeyStore.open(store.folder(), context.clock).verifyAudit();
            if (!result.intact()) {
                throw new StoreException("audit log broken: " + result.problem().orElseThrow());
            }
            context.out.println("audit log intact: " + result.entries() + " entries"
                    + (result.tornTail() ? " (an incomplete last line from an interrupted write was ignored)" : ""));
            return 0;
        }
    }
}
