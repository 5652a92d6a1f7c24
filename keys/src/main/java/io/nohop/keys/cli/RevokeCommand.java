package io.nohop.keys.cli;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke a key at once: unpublished, private part destroyed.",
            "The key leaves the published set at once (nohop serve picks the change up within a second),"
                + " its private part is destroyed and the reason is recorded in the audit log. Refused (exit 1)"
                + " for the last key that can sign, unless --force (signing then stops). To revoke the ACTIVE"
                + " key without a gap, first give it a successor that signs at once:"
                + " rotate --publish-lead 0s --force."})
final class RevokeCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Mixin
    StoreOption store;

    @Option(names = "--kid", required = true, paramLabel = "KID", description = "The key to revoke.")
    String kid;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record and the audit log.")
    String reason;

    @Option(names = "--force", description = "Revoke even the last key that can sign.")
    boolean force;

    @Mixin
    PassphraseOption passphraseOption;

    @Option(names = "--admin-url", paramLabel = "URL",
            description = {"The admin listener of nohop serve: after revoking, print when the fleet is expected to",
                "have dropped the key, from the poll intervals the endpoint observed."})
    String adminUrl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws StoreException {
        if (kid.isBlank()) {
            // No key has an empty id: the argument is missing, not a kid the store lacks.
            throw new ParameterException(spec.commandLine(), "--kid must name a key, not be empty");
        }
        URI admin = adminUrl == null ? null : FleetStatus.parseUrl(adminUrl, spec.commandLine());
        CliContext context = parent.context;
        SigningKeyStore opened = SigningKeyStore.open(store.folder(), context.clock);
        Optional<KeyRecord> before = opened.snapshot().record(kid);
        char[] passphrase = passphraseOption.read(context);
        KeyRecord revoked;
        try {
            // Also when it was revoked already: an interrupted revoke may have left it in the signed set.
            revoked = opened.revoke(kid, Optional.ofNullable(reason), force, passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
        if (before.isPresent() && before.get().revokedAt().isPresent()) {
            context.err.println("nohop: key " + kid + " was already revoked at " + before.get().revokedAt().get());
            return 0;
        }
        context.out.println("revoked key " + revoked.kid() + " at " + revoked.revokedAt().orElseThrow()
                + "; it is unpublished and its private part destroyed");
        StoreSnapshot after = opened.snapshot();
        Instant now = context.clock.instant();
        if (after.activeAt(now).isEmpty()) {
            Optional<KeyRecord> next = after.records().stream()
                    .filter(r -> r.revokedAt().isEmpty() && r.activateAt().isAfter(now)
                            && r.deactivateAt().map(d -> r.activateAt().isBefore(d)).orElse(true))
                    .findFirst();
            context.err.println(next
                    .map(r -> "nohop: warning: no key signs until " + r.activateAt() + ", when " + r.kid() + " activates")
                    .orElse("nohop: warning: signing stops: no key can sign until you run rotate"));
        }
        if (admin != null) {
            FleetEstimate.print(context, admin, "the revocation of " + revoked.kid());
        }
        return 0;
    }
}
