package io.nohop.keys.cli;

import io.nohop.keys.KeyRecord;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.keys.ScheduleRefusedException;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.StoreException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create a key store with its first key, active at once.",
            "DIR must be new or empty. Give --issuer: tokens without an iss claim are rejected by every"
                + " verifier that names the issuers it trusts, nohop verify included."})
final class InitCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "RS256",
            description = "RS256, PS256, ES256 or EdDSA (default: ${DEFAULT-VALUE}).")
    SigningAlgorithm algorithm;

    @Option(names = "--issuer", paramLabel = "URI",
            description = "The iss claim of every token issued, a URI (default: none, with a warning).")
    String issuer;

    @Option(names = "--max-token-lifetime", paramLabel = "DURATION", defaultValue = "1h",
            description = "T: longest token lifetime (default: ${DEFAULT-VALUE}).")
    Duration maxTokenLifetime;

    @Option(names = "--clock-skew", paramLabel = "DURATION", defaultValue = "60s",
            description = "S: clock skew verifiers allow (default: ${DEFAULT-VALUE}).")
    Duration clockSkew;

    @Option(names = "--refresh-bound", paramLabel = "DURATION", defaultValue = "1h",
            description = "R: longest a verifier goes between key refreshes (default: ${DEFAULT-VALUE}).")
    Duration refreshBound;

    @Option(names = "--publish-lead", paramLabel = "DURATION", defaultValue = "24h",
            description = "L: how long a new key is published before it signs; at least 2R (default: ${DEFAULT-VALUE}).")
    Duration publishLead;

    @Option(names = "--rotation-period", paramLabel = "DURATION", defaultValue = "30d",
            description = "How often rotate --if-due rotates (default: ${DEFAULT-VALUE}).")
    Duration rotationPeriod;

    @Option(names = "--key-set-lifetime", paramLabel = "DURATION", defaultValue = "7d",
            description = "exp - iat of every signed key set; at least 2R, at most 90d (default: ${DEFAULT-VALUE}).")
    Duration keySetLifetime;

    @Option(names = "--root-algorithm", paramLabel = "ALG", defaultValue = "ES256",
            description = "Algorithm of the root key that signs the key set (default: ${DEFAULT-VALUE}).")
    SigningAlgorithm rootAlgorithm;

    @Mixin
    PassphraseOption passphrase;

    @Override
    public Integer call() throws StoreException {
        StoreConfig.Builder builder;
        try {
            builder = StoreConfig.builder()
                    .algorithm(algorithm)
                    .maxTokenLifetime(maxTokenLifetime)
                    .clockSkew(clockSkew)
                    .refreshBound(refreshBound)
                    .publishLead(publishLead)
                    .rotationPeriod(rotationPeriod)
                    .keySetLifetime(keySetLifetime)
                    .rootAlgorithm(rootAlgorithm);
            if (issuer != null) {
                builder.issuer(issuer);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        StoreConfig config;
        try {
            config = builder.build();
        } catch (IllegalArgumentException e) {
            // Each value is well-formed and within its own bounds; together they break the rotation timeline. That is
            // a refused schedule (exit 1), as the store's own refusal of a publish lead under 2R is, not a usage error.
            throw new ScheduleRefusedException("refused: " + e.getMessage());
        }
        CliContext context = parent.context;
        char[] secret = passphrase.read(context);
        try {
            SigningKeyStore created = SigningKeyStore.create(store.folder(), config, secret, context.clock);
            KeyRecord first = created.snapshot().records().get(0);
            context.out.println("created store " + created.folder() + "; key " + first.kid() + " ("
                    + first.algorithm().jwsName() + ") is active");
            created.rootKey().ifPresent(root -> context.out.println("root key " + root.kid() + " ("
                    + root.algorithm().jwsName() + ") signs the key set; services pin it: nohop root-key --store "
                    + created.folder()));
            if (issuer == null) {
                // A store cannot change its issuer later, so say it now, while starting over is free.
                context.err.println("nohop: warning: no --issuer: tokens from this store carry no iss claim,"
                        + " and verifiers that require an issuer (nohop verify among them) reject them;"
                        + " to issue verifiable tokens, delete " + store.folder() + " and run init again with --issuer URI");
            }
            return 0;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }
}
