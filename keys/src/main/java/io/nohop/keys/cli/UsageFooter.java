package io.nohop.keys.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The paragraphs at the end of every {@code --help}: what a DURATION is, where the passphrase comes
 * from and what the exit status means. Defined once here and attached to every command of the tree
 * when the command line is built, so a new command gets them without doing anything: the DURATION
 * paragraph when it has a {@link Duration} option, the passphrase paragraph when it mixes in
 * {@link PassphraseOption}, the exit status always. The top command shows all three.
 */
final class UsageFooter {

    /** Fixed, so that help output (and its snapshots) does not depend on the terminal. */
    static final int WIDTH = 80;

    static final String DURATION = "DURATION is a whole <number><unit> with unit ms, s, m, h or d (90s, 5m,"
            + " 24h, 30d), or an ISO-8601 duration (PT5M); anything else (5, 1.5h, -5m) is a usage error.";

    static final String PASSPHRASE = "Passphrase: private keys are encrypted at rest. The passphrase is the"
            + " first line of the file given with " + PassphraseOption.NAME + " FILE or, without that option,"
            + " the value of the environment variable " + CliContext.PASSPHRASE_VARIABLE + ".";

    static final String EXIT_STATUS = "Exit status: 0 success; 2 usage error (unknown option, missing or"
            + " malformed argument); 1 any other failure (wrong or missing passphrase; missing, corrupt or"
            + " locked store; unknown kid; refused schedule). A failure prints one line starting with"
            + " 'nohop:' on stderr and changes nothing.";

    private UsageFooter() {
    }

    /**
     * Sets the width and the footer of {@code root} and of every command below it.
     *
     * @param root the top command line
     */
    static void applyTo(CommandLine root) {
        apply(root, true);
    }

    private static void apply(CommandLine commandLine, boolean top) {
        CommandSpec spec = commandLine.getCommandSpec();
        spec.usageMessage().width(WIDTH).autoWidth(false);
        if (!(spec.userObject() instanceof HelpCommand)) {
            spec.usageMessage().footerHeading("%n").footer(paragraphs(spec, top));
        }
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            apply(sub, false);
        }
    }

    private static String[] paragraphs(CommandSpec spec, boolean top) {
        List<String> lines = new ArrayList<>();
        if (top || spec.options().stream().anyMatch(UsageFooter::takesDuration)) {
            lines.add(DURATION);
        }
        if (top || spec.findOption(PassphraseOption.NAME) != null) {
            lines.add(PASSPHRASE);
        }
        lines.add(EXIT_STATUS);
        // A blank line between paragraphs.
        List<String> spaced = new ArrayList<>();
        for (String line : lines) {
            if (!spaced.isEmpty()) {
                spaced.add("");
            }
            spaced.add(line);
        }
        return spaced.toArray(String[]::new);
    }

    private static boolean takesDuration(OptionSpec option) {
        return option.type() == Duration.class;
    }
}
