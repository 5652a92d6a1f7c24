package io.nohop.keys.cli;

import io.nohop.core.TokenVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify tokens read one per line on stdin; write one JSON object per line on stdout:",
            "{\"valid\":true,\"kid\":...,\"claims\":{...}} or {\"valid\":false,\"error\":CODE,\"detail\":...}.",
            "Waits for the first key set up to --startup-timeout, then runs (keeping its key cache) until stdin closes."})
final class VerifyCommand implements Callable<Integer> {

    static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(30);
    static final Duration DEFAULT_MAX_REFRESH = Duration.ofHours(1);
    static final Duration DEFAULT_MAX_STALE = Duration.ofHours(24);

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--jwks-uri", required = true, paramLabel = "URI", description = "The JWKS endpoint.")
    String jwksUri;

    @Option(names = "--issuer", required = true, paramLabel = "ISS", description = "The exact iss to accept.")
    String issuer;

    @Option(names = "--audience", required = true, paramLabel = "AUD", description = "The audience to require in aud.")
    String audience;

    @Option(names = "--algorithms", split = ",", paramLabel = "A,B",
            description = "Accepted algorithms (default: RS256,RS384,RS512,PS256,PS384,PS512,ES256,ES384,ES512,EdDSA).")
    String[] algorithms;

    @Option(names = "--type", paramLabel = "TYP", description = "Required typ header, e.g. at+jwt (default: not checked).")
    String type;

    @Option(names = "--cache-file", paramLabel = "FILE",
            description = "Last-known-good key set file: written on each accepted set, used at start if fresh enough.")
    Path cacheFile;

    @Option(names = "--min-refresh", paramLabel = "DURATION",
            description = "Floor of the refresh interval and minimum gap between unknown-kid refreshes (default: 30s).")
    Duration minRefresh;

    @Option(names = "--max-refresh", paramLabel = "DURATION",
            description = "Ceiling of the refresh interval and of the retry backoff (default: 1h).")
    Duration maxRefresh;

    @Option(names = "--max-stale", paramLabel = "DURATION",
            description = "How long to keep using keys the endpoint has not confirmed (default: 24h).")
    Duration maxStale;

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
    public Integer call() throws IOException, InterruptedException {
        CliContext context = parent.context;
        URI uri = parseUri();
        TokenVerifier.Builder builder = TokenVerifier.builder();
        try {
            builder.jwksUri(uri).issuer(issuer).audience(audience).clock(context.clock);
            if (algorithms != null) {
                builder.algorithms(algorithms);
            }
            if (type != null) {
                builder.requiredType(type);
            }
            if (cacheFile != null) {
                builder.cacheFile(cacheFile.toAbsolutePath());
            }
            if (instance != null) {
                try {
                    builder.instanceName(instance);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--instance: " + e.getMessage());
                }
            }
            applyRefreshBounds(builder);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        TokenVerifier verifier;
        try {
            verifier = builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (verifier) {
            if (!verifier.awaitKeys(startupTimeout)) {
                context.err.println("nohop: no key set from " + uri + " within " + startupTimeout.toString().substring(2)
                        .toLowerCase(java.util.Locale.ROOT) + "; answering keys_unavailable until keys arrive");
                context.err.flush();
            }
            new TokenLineProtocol(verifier, TokenVerifier.Builder.DEFAULT_MAX_TOKEN_BYTES).run(in, context.out);
        }
        return 0;
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
        Duration stale = maxStale != null ? maxStale : DEFAULT_MAX_STALE;
        Duration max = maxRefresh != null ? maxRefresh
                : min(DEFAULT_MAX_REFRESH, stale);
        Duration floor = minRefresh != null ? minRefresh : min(DEFAULT_MIN_REFRESH, max);
        if (maxRefresh == null && minRefresh != null && floor.compareTo(max) > 0) {
            max = floor;
        }
        if (maxStale == null && stale.compareTo(max) < 0) {
            stale = max;
        }
        builder.minRefreshInterval(floor).maxRefreshInterval(max).maxStaleness(stale);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
