package io.nohop.keys.cli;

import io.nohop.core.PinnedRoots;
import io.nohop.core.TokenVerifier;
import io.nohop.keys.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify tokens from stdin against a JWKS endpoint.",
            "Waits for the first key set (from the endpoint or the cache file) up to --startup-timeout, then"
                + " reads one token per line on stdin and writes one JSON object per line on stdout, flushed:"
                + " {\"valid\":true,\"kid\":\"KID\",\"claims\":{...}} or"
                + " {\"valid\":false,\"error\":\"CODE\",\"detail\":\"TEXT\"}, where CODE is a rejection code such"
                + " as expired or unknown_key. Runs, refreshing its keys in the background, until stdin closes.",
            "Plain http is accepted only to a loopback address (127.0.0.1, ::1, localhost); anything else"
                + " needs https."})
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--jwks-uri", required = true, paramLabel = "URI",
            description = "The JWKS endpoint: https, or plain http to a loopback address. With --key-set-signer,"
                    + " the signed key set's URI (nohop serve publishes it at /.well-known/jwks.jwt).")
    String jwksUri;

    @Option(names = "--issuer", required = true, paramLabel = "ISS", description = "The exact iss to accept.")
    String issuer;

    @Option(names = "--audience", required = true, paramLabel = "AUD",
            description = "The audience that aud must contain.")
    String audience;

    // One comma-separated value rather than picocli's split: its synopsis for that is unreadable.
    @Option(names = "--algorithms", paramLabel = "ALG,...",
            description = "The accepted algorithms, comma-separated (default: RS256, RS384, RS512, PS256, PS384,"
                    + " PS512, ES256, ES384, ES512 and EdDSA; none and HS* never).")
    String algorithms;

    @Option(names = "--type", paramLabel = "TYP", description = "Required typ header, e.g. at+jwt (default: not checked).")
    String type;

    @Option(names = "--cache-file", paramLabel = "FILE",
            description = "A last-known-good file: each accepted key set is written to it, and at start it is"
                    + " used at once if younger than --max-stale.")
    Path cacheFile;

    @Option(names = "--min-refresh", paramLabel = "DURATION",
            description = "Floor of the refresh interval and minimum gap between unknown-kid refreshes (default: 30s).")
    Duration minRefresh;

    @Option(names = "--max-refresh", paramLabel = "DURATION",
            description = "Ceiling of the refresh interval and of the retry backoff (default: 1h).")
    Duration maxRefresh;

    @Option(names = "--max-stale", paramLabel = "DURATION",
            description = "How long to keep using keys the endpoint has not confirmed; past it every token is"
                    + " rejected with keys_unavailable (default: 24h).")
    Duration maxStale;

    @Option(names = "--key-set-signer", paramLabel = "FILE",
            description = "A file holding a root's public JWK (the output of nohop root-key); repeat it to pin several"
                    + " roots. When given, --jwks-uri names a signed key set and nothing unsigned or signed by another"
                    + " key is ever accepted.")
    List<Path> keySetSigners = List.of();

    @Option(names = "--crypto", paramLabel = "PROVIDER", defaultValue = "jdk", converter = CryptoChoice.Converter.class,
            description = CryptoChoice.DESCRIPTION)
    CryptoChoice crypto;

    @Option(names = "--startup-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long to wait for the first key set (default: ${DEFAULT-VALUE}).")
    Duration startupTimeout;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "The name sent as Nohop-Instance on every key-set fetch, shown by the endpoint's "
                    + "admin listener; 1 to 64 visible ASCII characters, nothing secret (default: a random name).")
    String instance;

    // Standard input; a field so tests can feed lines.
    InputStream in = System.in;

    @Override
    public Integer call() throws IOException, InterruptedException, StoreException {
        CliContext context = parent.context;
        URI uri = parseUri();
        Optional<PinnedRoots> roots = KeySetSigners.read(keySetSigners, spec.commandLine());
        // After the usage checks: loading the native provider extracts and loads a native library.
        Optional<Provider> provider = crypto.provider(context);
        TokenVerifier.Builder builder = TokenVerifier.builder();
        try {
            if (roots.isPresent()) {
                builder.jwksUri(uri, roots.get());
            } else {
                builder.jwksUri(uri);
            }
            builder.issuer(issuer).audience(audience).clock(context.clock);
            if (algorithms != null) {
                builder.algorithms(algorithms.split(",", -1));
            }
            if (type != null) {
                builder.requiredType(type);
            }
            if (cacheFile != null) {
                if (Files.exists(cacheFile) && !Files.isRegularFile(cacheFile)) {
                    // A directory, a device, a FIFO: the verifier would neither read nor replace it, without a word.
                    throw new ParameterException(spec.commandLine(), "--cache-file " + cacheFile + " is not a regular file");
                }
                requireWritableDirectory(cacheFile);
                builder.cacheFile(cacheFile.toAbsolutePath());
            }
            if (instance != null) {
                try {
                    builder.instanceName(instance);
                } catch (IllegalArgumentException e) {
                    // The builder names its own setting; here the user typed --instance.
                    throw new ParameterException(spec.commandLine(), "--instance: "
                            + e.getMessage().replaceFirst("^instanceName ", "the name "));
                }
            }
            applyRefreshBounds(builder);
            provider.ifPresent(builder::cryptoProvider);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TokenVerifier verifier;
        try {
            verifier = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), forCommandLine(e.getMessage()));
        }
        try (verifier) {
            if (!verifier.awaitKeys(startupTimeout)) {
                // Why, when a refresh said so: with --key-set-signer a plain JWKS is "unsigned", another root "bad_signature".
                String why = verifier.health().sources().get(0).lastError().map(e -> " (" + e + ")").orElse("");
                // The library says why it ignored a cache file in its log, which this command keeps off stderr.
                String file = cacheFile != null && Files.exists(cacheFile)
                        ? "; the cache file " + cacheFile + " held no usable key set for it (unreadable, past --max-stale,"
                        + " for another endpoint, or not signed by a --key-set-signer root)"
                        : "";
                context.err.println("nohop: no key set from " + uri + " within " + startupTimeout.toString().substring(2)
                        .toLowerCase(java.util.Locale.ROOT) + why + file + "; answering keys_unavailable until keys arrive");
                context.err.flush();
            }
            new TokenLineProtocol(verifier, TokenVerifier.Builder.DEFAULT_MAX_TOKEN_BYTES).run(in, context.out);
        }
        return 0;
    }

    /**
     * The cache file is written after every confirmed fetch, into its directory, which the library creates. A
     * directory that cannot be made or written (a parent that is a file, a read-only file system) would leave the
     * keys in memory only, said in a log this command keeps off stderr: the user asked for a file that would
     * carry the keys over a restart, so that is a usage error here, before any fetch.
     */
    private void requireWritableDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--cache-file " + file + ": its directory " + dir
                    + " cannot be created (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new ParameterException(spec.commandLine(), "--cache-file " + file + ": its directory " + dir
                    + " is not writable");
        }
    }

    private URI parseUri() {
        URI uri;
        try {
            uri = new URI(jwksUri);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--jwks-uri is not a URI: '" + jwksUri + "'");
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
            throw new ParameterException(spec.commandLine(), "--jwks-uri must be an absolute http(s) URI: '" + jwksUri + "'");
        }
        // Plain http to a host other than loopback: build() refuses it (the library's one rule), answered as usage.
        return uri;
    }

    /**
     * Applies the three bounds. A bound the user did not give yields to one they did (say
     * {@code --max-refresh 2s} alone lowers the floor to 2s); bounds given explicitly that contradict
     * each other are a usage error, reported by the builder.
     */
    private void applyRefreshBounds(TokenVerifier.Builder builder) {
        Duration stale = maxStale != null ? maxStale : TokenVerifier.Builder.DEFAULT_MAX_STALENESS;
        Duration max = maxRefresh != null ? maxRefresh
                : min(TokenVerifier.Builder.DEFAULT_MAX_REFRESH, stale);
        Duration floor = minRefresh != null ? minRefresh : min(TokenVerifier.Builder.DEFAULT_MIN_REFRESH, max);
        if (maxRefresh == null && minRefresh != null && floor.compareTo(max) > 0) {
            max = floor;
        }
        if (maxStale == null && stale.compareTo(max) < 0) {
            stale = max;
        }
        builder.minRefreshInterval(floor).maxRefreshInterval(max).maxStaleness(stale);
    }

    /**
     * A builder's refusal in the user's terms: the command line has no counterpart of the library's
     * {@code unsafeAllowPlainHttp()}, so its message does not offer it.
     */
    static String forCommandLine(String builderMessage) {
        int hint = builderMessage.indexOf("; unsafeAllowPlainHttp() allows");
        return hint < 0 ? builderMessage
                : "--jwks-uri: " + builderMessage.substring(0, hint) + "; anyone on the path to another host could substitute keys";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
