package io.nohop.keys.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import io.nohop.keys.RootKey;
import io.nohop.keys.SigningAlgorithm;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.internal.KeySetJws;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "root-key", mixinStandardHelpOptions = true,
        description = {"Print the root key's public JWK, for services to pin.",
            "The root key signs the published key set, never a token; its public JWK is printed on one line."
                + " Rotating the root takes two steps: --rotate creates a successor (pin it next to the current"
                + " root everywhere), --switch makes it sign; then unpin the old root. --create gives a store"
                + " made before signed key sets its root. --create, --rotate and --switch need the passphrase."})
final class RootKeyCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption storeOption;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    static final class Mode {
        @Option(names = "--next", description = "Print the staged successor root instead (after --rotate).")
        boolean next;

        @Option(names = "--create", description = "Create the root of a store made before signed key sets.")
        boolean create;

        @Option(names = "--rotate", description = "Create a successor root, endorsed by the current one; it signs nothing yet.")
        boolean rotate;

        @Option(names = "--switch", description = "Make the staged successor sign the key set from now on.")
        boolean switchRoot;
    }

    @Option(names = "--algorithm", paramLabel = "ALG",
            description = "With --create or --rotate: RS256, PS256, ES256 or EdDSA (default: the store's root algorithm).")
    SigningAlgorithm algorithm;

    @Mixin
    PassphraseOption passphraseOption;

    @Override
    public Integer call() throws StoreException {
        boolean creating = mode != null && (mode.create || mode.rotate);
        if (algorithm != null && !creating) {
            throw new ParameterException(spec.commandLine(), "--algorithm goes with --create or --rotate");
        }
        CliContext context = parent.context;
        Path store = storeOption.folder();
        SigningKeyStore opened = SigningKeyStore.open(store, context.clock);
        if (mode == null || mode.next) {
            Optional<RootKey> root = mode == null ? opened.rootKey() : opened.nextRootKey();
            if (root.isEmpty()) {
                throw new StoreException(mode == null ? opened.snapshot().keySetProblem().orElse("no root key")
                        : "no successor root is staged (nohop root-key --store " + store + " --rotate creates one)");
            }
            if (mode != null) {
                // Printed to be pinned everywhere: only a successor the current root vouched for, since root.json can be
                // written by someone without the passphrase (who could stage a root of their own, unendorsed).
                requireEndorsed(root.get(), opened.rootKey().orElseThrow(() -> new StoreException("no root key")));
            }
            context.out.println(root.get().publicJwkJson());
            return 0;
        }
        char[] passphrase = passphraseOption.read(context);
        try {
            Optional<SigningAlgorithm> alg = Optional.ofNullable(algorithm);
            if (mode.create) {
                RootKey root = opened.createRootKey(alg, passphrase);
                context.out.println("created root key " + root.kid() + " (" + root.algorithm().jwsName()
                        + ") and signed the key set with it; services pin it: nohop root-key --store " + store);
            } else if (mode.rotate) {
                RootKey current = opened.rootKey().orElseThrow(() -> new StoreException("no root key"));
                RootKey next = opened.stageRootKey(alg, passphrase);
                context.out.println("staged successor root " + next.kid() + " (" + next.algorithm().jwsName()
                        + "), endorsed by " + current.kid() + "; it signs nothing yet. Pin it next to the current root on"
                        + " every verifier (nohop root-key --store " + store + " --next), then run nohop root-key --store "
                        + store + " --switch");
            } else {
                RootKey previous = opened.rootKey().orElseThrow(() -> new StoreException("no root key"));
                RootKey root = opened.switchRootKey(passphrase);
                context.out.println("root " + root.kid() + " signs the key set now; unpin the previous root "
                        + previous.kid() + " once every verifier has fetched a set signed by the new one");
            }
            return 0;
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /** The successor's endorsement must verify under the current root and name exactly the successor's key. */
    private static void requireEndorsed(RootKey next, RootKey current) throws StoreException {
        String refused = "the staged successor root " + next.kid() + " is not endorsed by the current root " + current.kid()
                + " (root.json was changed without the passphrase?); do not pin it: run nohop audit verify";
        if (next.endorsement().isEmpty()) {
            throw new StoreException(refused);
        }
        try {
            JWK endorser = JWK.parse(current.publicJwkJson());
            JWK successor = KeySetJws.verifyEndorsement(next.endorsement().get(), endorser);
            JWK staged = JWK.parse(next.publicJwkJson());
            if (!successor.computeThumbprint().equals(staged.computeThumbprint())) {
                throw new StoreException(refused);
            }
        } catch (KeySetJws.RefusedException | ParseException | JOSEException e) {
            throw new StoreException(refused);
        }
    }
}
