package io.nohop.core.internal.refresh;

import io.nohop.core.internal.LogText;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.random.RandomGenerator;

/**
 * How a verifier names itself on every key-set fetch (JWKS and discovery alike), so that the key
 * endpoint can show which instances hold which key set (issue 11): {@code User-Agent: nohop/<version>}
 * and {@code Nohop-Instance: <name>}.
 *
 * <p>The name is sent in clear on every fetch and shown by the endpoint's admin listener: nothing
 * secret belongs in it, and it is not an authentication of any kind (anyone can send any name). It is
 * checked at once: 1 to {@value #MAX_NAME_LENGTH} visible ASCII characters — the endpoint keeps at
 * most that many, and nothing else can travel in an HTTP header unaltered. Without a name set, each
 * verifier draws its own: {@value #RANDOM_NAME_LENGTH} lower-case base32 characters (40 bits, so two
 * of 100,000 instances share one with a probability of about 0.5 %), kept for the verifier's life.
 *
 * <p>The version is the artifact's: {@code nohop-version.properties} is filtered by the build with
 * the project version. A jar stripped of that file (a careless shading) sends the bare product token
 * {@code nohop}.
 *
 * @param instanceName the checked name sent as {@code Nohop-Instance}
 */
public record VerifierIdentity(String instanceName) {
    /** The longest instance name: the key endpoint's instance table keeps at most this many characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Length of a drawn name. */
    public static final int RANDOM_NAME_LENGTH = 8;
    /** The {@code User-Agent} of every fetch: {@code nohop/<version>}. */
    public static final String USER_AGENT = userAgent();

    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    /**
     * Checks the name.
     *
     * @throws IllegalArgumentException when it is not a valid instance name ({@link #checkName})
     */
    public VerifierIdentity {
        checkName(instanceName);
    }

    /**
     * A verifier's own random name.
     *
     * @param random where the bits come from (the name is an identifier, not a secret)
     * @return an identity with a {@value #RANDOM_NAME_LENGTH}-character lower-case base32 name
     */
    public static VerifierIdentity random(RandomGenerator random) {
        long bits = random.nextLong();
        char[] name = new char[RANDOM_NAME_LENGTH];
        for (int i = 0; i < name.length; i++) {
            name[i] = BASE32.charAt((int) (bits >>> (5 * i)) & 31);
        }
        return new VerifierIdentity(new String(name));
    }

    /**
     * Checks an instance name.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException when it is null, empty, longer than {@value #MAX_NAME_LENGTH} or holds
     *         anything but visible ASCII (space, control characters and non-ASCII are refused); the message
     *         quotes the name, escaped
     */
    public static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("instanceName must not be null");
        }
        boolean visibleAscii = !name.isEmpty() && name.length() <= MAX_NAME_LENGTH;
        for (int i = 0; visibleAscii && i < name.length(); i++) {
            char c = name.charAt(i);
            visibleAscii = c > 0x20 && c < 0x7f;
        }
        if (!visibleAscii) {
            throw new IllegalArgumentException("instanceName must be 1 to " + MAX_NAME_LENGTH
                    + " visible ASCII characters (letters, digits, punctuation; no spaces): '"
                    + LogText.escape(name, MAX_NAME_LENGTH + 16) + "' (" + name.length() + " characters)");
        }
        return name;
    }

    private static String userAgent() {
        Properties build = new Properties();
        try (InputStream in = VerifierIdentity.class.getResourceAsStream("nohop-version.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            // Not fatal: the product token alone still names the client.
        }
        String version = build.getProperty("version", "");
        boolean usable = !version.isEmpty() && version.length() <= 64
                && version.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '$' && c != '{' && c != '}');
        return usable ? "nohop/" + version : "nohop";
    }
}
