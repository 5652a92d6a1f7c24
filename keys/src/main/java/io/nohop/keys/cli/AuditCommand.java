package io.nohop.keys.cli;

import io.nohop.keys.AuditVerification;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Check or acknowledge the store's audit log.",
            "Every change to the store is appended to DIR/audit.log, one JSON object per line, each holding"
                + " the SHA-256 of the line before it and a MAC under a key derived from the passphrase, so"
                + " that no one without the passphrase can change, remove or add an entry unnoticed."},
        subcommands = {AuditCommand.Verify.class, AuditCommand.Acknowledge.class})
final class AuditCommand {

    @ParentCommand
    NohopCommand parent;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check the audit log, root keys, key set and key records.",
                "Checks the hash chain, every entry's MAC, DIR/audit.head, recorded losses of entries, the root"
                    + " keys, the signed key set and the key records, with the passphrase. Each problem is"
                    + " printed on stdout; exit 1 if there is any. A recorded loss of entries fails it until"
                    + " it is acknowledged (nohop audit acknowledge), and is printed as a note after that."})
    static final class Verify implements Callable<Integer> {

        @ParentCommand
        AuditCommand audit;

        @Mixin
        StoreOption store;

        @Mixin
        PassphraseOption passphraseOption;

        @Override
        public Integer call() throws StoreException {
            CliContext context = audit.parent.context;
            SigningKeyStore opened = SigningKeyStore.open(store.folder(), context.clock);
            char[] passphrase = passphraseOption.read(context);
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
            description = {"Record that a recorded loss of entries was investigated.",
                "Appends an authenticated entry acknowledging an entries-lost entry; audit verify keeps"
                    + " printing the loss, as a note instead of a failure."})
    static final class Acknowledge implements Callable<Integer> {

        @ParentCommand
        AuditCommand audit;

        @Mixin
        StoreOption store;

        @Option(names = "--entry", required = true, paramLabel = "N",
                description = "The sequence number of the entries-lost entry (audit verify names it).")
        long entry;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "What was found, for the log.")
        String reason;

        @Mixin
        PassphraseOption passphraseOption;

        @Override
        public Integer call() throws StoreException {
            CliContext context = audit.parent.context;
            SigningKeyStore opened = SigningKeyStore.open(store.folder(), context.clock);
            char[] passphrase = passphraseOption.read(context);
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
