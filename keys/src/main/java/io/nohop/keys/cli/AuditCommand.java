package io.nohop.keys.cli;

import io.nohop.keys.AuditVerification;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Work with the store's hash-chained audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Acknowledge.class})
final class AuditCommand {

    @ParentCommand
    NohopCommand parent;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the audit log (hash chain, MACs, head, recorded losses), the root keys, the signed key",
                "set and the records with the passphrase; exit 1 if anything is wrong (each problem on stdout).",
                "A recorded loss of entries fails it until acknowledged (audit acknowledge)."})
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        AuditCommand audit;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store folder.")
        Path store;

        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "Read the passphrase from FILE instead of NOHOP_PASSPHRASE.")
        Path passphraseFile;

        @Override
        public Integer call() throws StoreException {
            CliContext context = audit.parent.context;
            SigningKeyStore opened = SigningKeyStore.open(store, context.clock);
            char[] passphrase = context.passphrase(passphraseFile);
            AuditVerification result;
            try {
                result = opened.verifyAudit(passphrase);
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            for (String problem : result.problems()) {
                context.out.println("problem: " + problem);
            }
            for (String note : result.notes()) {
                context.out.println("note: " + note);
            }
            if (!result.intact()) {
                int more = result.problems().size() - 1;
                throw new StoreException("audit verify failed: " + result.problem().orElseThrow()
                        + (more > 0 ? " (and " + more + " more problem" + (more > 1 ? "s" : "") + ", listed on stdout)" : ""));
            }
            context.out.println("audit log intact: " + result.entries() + " entries"
                    + (result.tornTail() ? " (an incomplete last line from an interrupted write was ignored)" : ""));
            return 0;
        }
    }

    @Command(name = "acknowledge", mixinStandardHelpOptions = true,
            description = {"Record that a loss of audit entries (an entries-lost entry) was seen and investigated.",
                "audit verify keeps printing the loss, as a note instead of a failure."})
    static final class Acknowledge implements Callable<Integer> {

        @ParentCommand
        AuditCommand audit;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store folder.")
        Path store;

        @Option(names = "--entry", required = true, paramLabel = "N",
                description = "The sequence number of the entries-lost entry (audit verify names it).")
        long entry;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "What was found, for the log.")
        String reason;

        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "Read the passphrase from FILE instead of NOHOP_PASSPHRASE.")
        Path passphraseFile;

        @Override
        public Integer call() throws StoreException {
            CliContext context = audit.parent.context;
            SigningKeyStore opened = SigningKeyStore.open(store, context.clock);
            char[] passphrase = context.passphrase(passphraseFile);
            try {
                opened.acknowledgeAuditLoss(entry, Optional.of(reason), passphrase);
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            context.out.println("acknowledged the loss recorded in audit entry " + entry);
            return 0;
        }
    }
}
