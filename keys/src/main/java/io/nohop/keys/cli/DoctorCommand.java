package io.nohop.keys.cli;

import io.nohop.core.PinnedRoots;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.StoreSnapshot;
import io.nohop.keys.internal.JsonText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check a live key endpoint the way verifiers will consume it.",
            "Fetches the key set (or, with --issuer alone, the issuer's OpenID metadata and then its jwks_uri, or"
                + " signed_jwks_uri with --key-set-signer) with a verifier's bounds (5s to connect, 10s in all,"
                + " 256 KiB) and prints one line per finding: 'SEVERITY CHECK: what was found. Do: what to do.',"
                + " SEVERITY being error, warning, note or ok. It checks the transport (https or loopback, HTTP"
                + " status, time to first byte, Content-Type, size), caching (max-age within the verifier's refresh"
                + " bounds, ETag, a real conditional GET answered 304; with --store the publish lead against twice"
                + " the max-age sent), each key as a verifier loads it (kept, or dropped and why; kids that are not"
                + " thumbprints), the signed key set under the pinned root and the time to its exp, the metadata's"
                + " issuer and key-set URIs, the clock skew from the Date header, and a sample token (would it"
                + " verify, its lifetime, typ and signing key, with --store that key's state). A verifier built as"
                + " nohop verify builds one gives the final verdict.",
            "Redirects are not followed (a verifier does not follow them either): a 3xx is an error that names"
                + " the Location. Text from the endpoint is escaped; no key material and no token is printed.",
            "--json prints the findings as one JSON array of objects with the members severity, check, message and"
                + " action (null when there is nothing to do); keys/README.md lists the checks. Exit status 0 when"
                + " nothing would break verification (warnings and notes included), 1 when something would."})
final class DoctorCommand implements Callable<Integer> {

    // A token is at most 8 KiB for a verifier; a file much larger than that is not a token.
    static final int MAX_TOKEN_FILE_BYTES = 64 * 1024;

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--jwks-uri", paramLabel = "URL",
            description = "The key set's URL (with --key-set-signer: the signed key set's, e.g."
                    + " /.well-known/jwks.jwt). Give it, --issuer, or both.")
    String jwksUri;

    @Option(names = "--issuer", paramLabel = "ISS",
            description = "The issuer: without --jwks-uri, its OpenID metadata (ISS/.well-known/openid-configuration)"
                    + " is checked and names the key set; the sample token's iss must be exactly ISS.")
    String issuer;

    @Option(names = "--audience", paramLabel = "AUD",
            description = "The audience the sample token's aud must contain (default: any).")
    String audience;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding one sample token (one line); it is checked, never printed.")
    Path tokenFile;

    @Option(names = "--store", paramLabel = "DIR",
            description = "The key store the endpoint publishes: adds the publish-lead check, what the store"
                    + " publishes now against what is served, and the sample token's key state.")
    Path store;

    @Option(names = "--key-set-signer", paramLabel = "FILE",
            description = "A file holding a root's public JWK (nohop root-key); repeatable. The key set is then the"
                    + " signed one and must verify under a pinned root, as for nohop verify.")
    List<Path> keySetSigners = List.of();

    @Option(names = "--json", description = "Print the findings as a JSON array.")
    boolean json;

    @Override
    public Integer call() throws StoreException, InterruptedException {
        CliContext context = parent.context;
        if (jwksUri == null && issuer == null) {
            throw new ParameterException(spec.commandLine(), "doctor needs --jwks-uri URL or --issuer ISS (or both)");
        }
        Optional<URI> uri = Optional.ofNullable(jwksUri).map(u -> httpUri(u, "--jwks-uri"));
        if (uri.isEmpty()) {
            httpUri(issuer, "--issuer (discovered from, without --jwks-uri)");
        }
        if (audience != null && audience.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--audience must not be blank");
        }
        Optional<PinnedRoots> roots = KeySetSigners.read(keySetSigners, spec.commandLine());
        Optional<String> token = Optional.ofNullable(tokenFile).map(this::readToken);
        Optional<StoreSnapshot> snapshot = Optional.empty();
        if (store != null) {
            snapshot = Optional.of(SigningKeyStore.open(store, context.clock).snapshot());
        }
        Doctor.Target target = new Doctor.Target(uri, Optional.ofNullable(issuer), Optional.ofNullable(audience),
                token, roots, snapshot);
        List<Finding> findings = new Doctor(context.clock, Doctor.Limits.DEFAULT, "nohop/" + NohopVersion.version() + " doctor")
                .run(target);
        Map<Finding.Severity, Integer> counts = new EnumMap<>(Finding.Severity.class);
        for (Finding f : findings) {
            counts.merge(f.severity(), 1, Integer::sum);
        }
        if (json) {
            List<Object> array = new ArrayList<>();
            findings.forEach(f -> array.add(f.json()));
            context.out.println(JsonText.write(array));
        } else {
            findings.forEach(f -> context.out.println(f.line()));
            context.out.println(count(counts, Finding.Severity.ERROR, "error") + ", "
                    + count(counts, Finding.Severity.WARNING, "warning") + ", "
                    + count(counts, Finding.Severity.NOTE, "note") + ", " + counts.getOrDefault(Finding.Severity.OK, 0)
                    + " ok");
        }
        context.out.flush();
        int errors = counts.getOrDefault(Finding.Severity.ERROR, 0);
        if (errors > 0) {
            context.err.println("nohop: doctor found " + count(counts, Finding.Severity.ERROR, "error")
                    + " that would break verification (see the lines starting with 'error')");
            context.err.flush();
            return 1;
        }
        return 0;
    }

    private static String count(Map<Finding.Severity, Integer> counts, Finding.Severity severity, String word) {
        int n = counts.getOrDefault(severity, 0);
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private URI httpUri(String text, String option) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), option + " is not a URL: '" + Doctor.escape(text) + "'");
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
            throw new ParameterException(spec.commandLine(), option + " must be an absolute http(s) URL: '"
                    + Doctor.escape(text) + "'");
        }
        // Plain http to a host other than loopback is not a usage error here: it is a finding.
        return uri;
    }

    /** The one token in the file (a trailing line end allowed); unreadable or not one line is a usage error. */
    private String readToken(Path file) {
        byte[] bytes;
        try {
            // Not a regular file (a FIFO would block the read until someone writes): refused as unreadable.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new java.nio.file.FileSystemException(file.toString(), null, "not a regular file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_TOKEN_FILE_BYTES + 1);
            }
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file + " cannot be read: "
                    + FileProblem.reason(e));
        }
        if (bytes.length > MAX_TOKEN_FILE_BYTES) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file + " is larger than "
                    + MAX_TOKEN_FILE_BYTES + " bytes: it should hold one token");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file + " is not UTF-8 text");
        }
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
        }
        if (text.isEmpty() || text.contains("\n")) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file
                    + (text.isEmpty() ? " is empty" : " holds more than one line") + ": it should hold one token");
        }
        return text;
    }
}
