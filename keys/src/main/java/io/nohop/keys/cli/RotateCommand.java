package io.nohop.keys.cli;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.RotationRequest;
import io.nohop.keys.SignedKeySet;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Schedule a new signing key: published now, signing after a lead.",
            "The new key is published at once and signs from the publish lead L on; its predecessor stops"
                + " signing then and stays published for T + S more (the longest token lifetime plus the clock"
                + " skew), so that every token it signed expires first. Refused (exit 1) when L < 2R (R: the"
                + " verifiers' refresh bound) or when a pending key already exists, unless --force.",
            "For cron, every minute: rotate --if-due rotates only when the rotation period says a successor"
                + " is due, signs a new key set when a key reached its removal time or less than half of the"
                + " set's lifetime is left, and returns before any key derivation when nothing is due."})
final class RotateCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Mixin
    StoreOption store;

    @Option(names = "--publish-lead", paramLabel = "DURATION",
            description = "Override the store's publish lead L for this key.")
    Duration publishLead;

    @Option(names = "--force", description = "Rotate even when the schedule checks refuse.")
    boolean force;

    @Option(names = "--if-due", description = "Rotate only if the rotation period says a successor is due (for cron).")
    boolean ifDue;

    @Mixin
    PassphraseOption passphrase;

    @Option(names = "--admin-url", paramLabel = "URL",
            description = {"The admin listener of nohop serve: after rotating, print when the fleet is expected to",
                "hold the new key, from the poll intervals the endpoint observed."})
    String adminUrl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws StoreException {
        URI admin = adminUrl == null ? null : FleetStatus.parseUrl(adminUrl, spec.commandLine());
        CliContext context = parent.context;
        SigningKeyStore opened = SigningKeyStore.open(store.folder(), context.clock);
        RotationRequest request = RotationRequest.standard().withForce(force).withOnlyIfDue(ifDue);
        if (publishLead != null) {
            request = request.withPublishLead(publishLead);
        }
        char[] secret = passphrase.read(context);
        Optional<SignedKeySet> before = ifDue ? opened.snapshot().signedKeySet() : Optional.empty();
        Optional<KeyRecord> created;
        try {
            created = opened.rotate(request, secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
        if (created.isEmpty()) {
            context.out.println("no rotation due");
            Optional<SignedKeySet> after = opened.snapshot().signedKeySet();
            if (after.isPresent() && !after.map(SignedKeySet::issuedAt).equals(before.map(SignedKeySet::issuedAt))) {
                context.out.println("signed a new key set: " + after.get().kids().size() + " keys, expires "
                        + after.get().expiresAt());
            }
            return 0;
        }
        KeyRecord key = created.get();
        context.out.println("scheduled key " + key.kid() + ": published now, signs from " + key.activateAt());
        if (admin != null) {
            FleetEstimate.print(context, admin, "key " + key.kid());
        }
        return 0;
    }
}
