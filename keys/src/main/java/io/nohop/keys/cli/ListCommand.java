package io.nohop.keys.cli;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.internal.JsonText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the keys with their state and next transition.",
            "A table of kid, algorithm, state now (PENDING, ACTIVE, RETIRING, RETIRED or REVOKED) and the next"
                + " scheduled transition. With --json, an array of objects with kid, alg, state, createdAt,"
                + " activateAt, deactivateAt, removeAt and revokedAt (ISO-8601 instants in UTC, null where"
                + " unset), one object per line."})
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Mixin
    StoreOption store;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws StoreException {
        CliContext context = parent.context;
        StoreSnapshot snapshot = SigningKeyStore.open(store.folder(), context.clock).snapshot();
        Instant now = context.clock.instant();
        if (json) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < snapshot.records().size(); i++) {
                KeyRecord r = snapshot.records().get(i);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("kid", r.kid());
                entry.put("alg", r.algorithm().jwsName());
                entry.put("state", r.stateAt(now).name());
                entry.put("createdAt", r.createdAt().toString());
                entry.put("activateAt", r.activateAt().toString());
                entry.put("deactivateAt", text(r.deactivateAt()));
                entry.put("removeAt", text(r.removeAt()));
                entry.put("revokedAt", text(r.revokedAt()));
                out.append(i == 0 ? "\n  " : ",\n  ").append(JsonText.write(entry));
            }
            out.append(snapshot.records().isEmpty() ? "]" : "\n]");
            context.out.println(out);
            warn(context, snapshot, now);
            return 0;
        }
        String format = "%-43s  %-5s  %-8s  %s%n";
        context.out.printf(format, "KID", "ALG", "STATE", "NEXT TRANSITION");
        for (KeyRecord r : snapshot.records()) {
            Optional<Instant> next = r.nextTransitionAfter(now);
            String transition = next.map(t -> r.stateAt(t).name() + " at " + t.truncatedTo(ChronoUnit.SECONDS)
                    + " (in " + HumanDuration.of(now, t) + ")").orElse("-");
            context.out.printf(format, r.kid(), r.algorithm().jwsName(), r.stateAt(now).name(), transition);
        }
        for (KeyRecord r : snapshot.unsignedRecords()) {
            context.out.printf(format, r.kid(), r.algorithm().jwsName(), "UNSIGNED",
                    "never published, never signs: the root key never signed it");
        }
        snapshot.signedKeySet().ifPresent(set -> context.out.println("key set: " + set.kids().size()
                + " keys signed by root " + set.signerKid() + " at " + set.issuedAt() + ", expires " + set.expiresAt()));
        warn(context, snapshot, now);
        return 0;
    }

    /** Says loudly, on stderr, what no one should overlook: records the root never signed, no usable key set. */
    private void warn(CliContext context, StoreSnapshot snapshot, Instant now) {
        for (KeyRecord r : snapshot.unsignedRecords()) {
            context.err.println("nohop: warning: " + store.folder().resolve("keys").resolve(r.kid() + ".json") + " was never signed"
                    + " by the root key (not in the signed key set, no audit entry): someone without the passphrase wrote"
                    + " or altered it; it is never published and never signs; move it out of the store after investigating");
        }
        snapshot.keySetProblem().ifPresent(p -> context.err.println("nohop: warning: " + p));
        PublicationWarnings.print(context, snapshot, store.folder(), now);
    }

    private static String text(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }
}
