package io.nohop.keys.cli;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;
import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Print one access token signed by the key active now.",
            "The token (typ at+jwt) carries iss (the store's issuer), sub, aud, iat, exp and jti, plus the"
                + " claims given; it is printed on one line. Exit 1 when no key is active."})
final class IssueCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--subject", required = true, paramLabel = "SUB", description = "The sub claim.")
    String subject;

    @Option(names = "--audience", required = true, paramLabel = "AUD",
            description = "The aud claim; repeat for several audiences.")
    List<String> audiences = new ArrayList<>();

    /** The lifetime of a token when {@code --ttl} is not given and the store's T allows it. */
    static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /**
     * The verifier's nesting limit for a payload (DESIGN.md: deeper than 32 levels is malformed), the claims object
     * counted as 1: the wrapper a --claim-json value is read in stands where the claims object will.
     */
    private static final int CLAIM_JSON_DEPTH = 32;

    @Option(names = "--ttl", paramLabel = "DURATION",
            description = "Token lifetime, at most the store's T (default: 5m, or T where T is shorter).")
    Duration ttl;

    @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "A string claim; repeatable.")
    List<String> claims = new ArrayList<>();

    @Option(names = "--claim-json", paramLabel = "NAME=JSON", description = "A claim with any JSON value; repeatable.")
    List<String> jsonClaims = new ArrayList<>();

    @Mixin
    PassphraseOption passphrase;

    @Option(names = "--crypto", paramLabel = "PROVIDER", defaultValue = "jdk", converter = CryptoChoice.Converter.class,
            description = CryptoChoice.DESCRIPTION)
    CryptoChoice crypto;

    @Override
    public Integer call() throws StoreException {
        TokenRequest request = request(ttl != null ? ttl : DEFAULT_TTL);
        CliContext context = parent.context;
        SigningKeyStore opened = SigningKeyStore.open(store.folder(), context.clock);
        Duration longest = opened.config().maxTokenLifetime();
        if (ttl == null && longest.compareTo(DEFAULT_TTL) < 0) {
            // Only the default yields to the store's T; a --ttl over it is refused as asked.
            request = request(longest);
        }
        Optional<Provider> provider = crypto.provider(context);
        char[] secret = passphrase.read(context);
        try (TokenIssuer issuer = provider.isPresent()
                ? TokenIssuer.create(opened, secret, context.clock, Duration.ZERO, provider.get())
                : TokenIssuer.create(opened, secret, context.clock, Duration.ZERO)) {
            context.out.println(issuer.issue(request));
            return 0;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private TokenRequest request(Duration lifetime) {
        try {
            TokenRequest.Builder builder = TokenRequest.builder().subject(subject).ttl(lifetime);
            audiences.forEach(builder::audience);
            // A name given twice is a mistake to point out, not a value to overwrite silently.
            Set<String> names = new HashSet<>();
            for (String claim : claims) {
                String[] pair = split("--claim", claim);
                once(names, pair[0]);
                builder.claim(pair[0], pair[1]);
            }
            for (String claim : jsonClaims) {
                String[] pair = split("--claim-json", claim);
                once(names, pair[0]);
                builder.claim(pair[0], parseJsonValue(pair[0], pair[1]));
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static void once(Set<String> names, String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("the claim " + name + " is given more than once (--claim, --claim-json)");
        }
    }

    private static String[] split(String option, String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(option + " expects NAME=VALUE: '" + text + "'");
        }
        return new String[] {text.substring(0, eq), text.substring(eq + 1)};
    }

    private static Object parseJsonValue(String name, String json) {
        try {
            // Wrapped in an object because the JSON parser at hand reads objects; a value that
            // escapes the wrapper shows up as extra or duplicate members and is refused.
            String wrapped = "{\"value\":" + json + "\n}";
            // First by the verifier's own rules (the parser below keeps the last of two members of the same name
            // inside a value): a claim is minted only as a verifier will read it.
            byte[] utf8 = wrapped.getBytes(StandardCharsets.UTF_8);
            StrictJson.validateObject(utf8, 0, utf8.length, CLAIM_JSON_DEPTH, null);
            Map<String, Object> wrapper = JSONObjectUtils.parse(wrapped);
            if (wrapper.size() != 1 || !wrapper.containsKey("value")) {
                throw new IllegalArgumentException("--claim-json " + name + ": not one JSON value: " + json);
            }
            Object value = wrapper.get("value");
            if (value == null) {
                throw new IllegalArgumentException("--claim-json " + name + ": null is not a claim value");
            }
            return value;
        } catch (JsonParseException e) {
            String why = switch (e.kind()) {
                case DUPLICATE_MEMBER -> "an object names the same member twice";
                case TOO_DEEP -> "nested deeper than a verifier reads (" + CLAIM_JSON_DEPTH + " levels with the claims)";
                default -> "invalid JSON";
            };
            throw new IllegalArgumentException("--claim-json " + name + ": " + why + ": " + json, e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("--claim-json " + name + ": invalid JSON: " + json, e);
        }
    }
}
