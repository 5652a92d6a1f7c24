package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.nohop.core.TokenVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;

/**
 * Every command's {@code --help}, compared with the snapshot committed under
 * {@code src/test/resources/help/}, plus the rules every help text follows. After changing a help
 * text on purpose, rewrite the snapshots with
 * {@code mvn -pl keys -am verify -Dtest=HelpTest -Dsurefire.failIfNoSpecifiedTests=false -Dnohop.help.update=true}
 * and review the diff.
 */
class HelpTest {

    private static final Path SNAPSHOTS = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "help");
    private static final boolean UPDATE = Boolean.getBoolean("nohop.help.update");

    record Output(int status, String out, String err) {
    }

    static Output run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        return new Output(status, out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"),
                err.toString(StandardCharsets.UTF_8));
    }

    private static CommandLine tree() {
        return NohopCommand.commandLine(new CliContext(Map.of(), System.out, System.err, Clock.systemUTC()));
    }

    /** Every command of the tree, as its words after "nohop" (the top command is the empty list). */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(tree(), new ArrayList<>(), all);
        return all.stream();
    }

    private static void collect(CommandLine commandLine, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        commandLine.getSubcommands().forEach((name, sub) -> {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            collect(sub, deeper, all);
        });
    }

    private static String snapshotName(List<String> command) {
        return String.join("-", Stream.concat(Stream.of("nohop"), command.stream()).toList()) + ".txt";
    }

    @ParameterizedTest(name = "nohop {0} --help")
    @MethodSource("commands")
    void help_matchesSnapshot(List<String> command) throws IOException {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        Output help = run(args.toArray(String[]::new));
        assertEquals(0, help.status(), help.err());
        assertEquals("", help.err());
        Path snapshot = SNAPSHOTS.resolve(snapshotName(command));
        if (UPDATE) {
            Files.createDirectories(SNAPSHOTS);
            Files.writeString(snapshot, help.out());
            return;
        }
        if (!Files.exists(snapshot)) {
            fail("no help snapshot " + snapshot + "; create it with -Dnohop.help.update=true (see HelpTest)");
        }
        assertEquals(Files.readString(snapshot), help.out(),
                "help changed; if on purpose, rewrite the snapshots with -Dnohop.help.update=true (see HelpTest)");
    }

    @Test
    void snapshots_eachBelongsToACommand() throws IOException {
        Set<String> expected = new TreeSet<>(commands().map(HelpTest::snapshotName).toList());
        if (UPDATE) {
            Files.createDirectories(SNAPSHOTS);
            try (Stream<Path> files = Files.list(SNAPSHOTS)) {
                for (Path stale : files.filter(p -> !expected.contains(p.getFileName().toString())).toList()) {
                    Files.delete(stale);
                }
            }
            return;
        }
        try (Stream<Path> files = Files.list(SNAPSHOTS)) {
            Set<String> present = new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
            assertEquals(expected, present, "a snapshot without a command, or a command without a snapshot");
        }
    }

    @ParameterizedTest(name = "nohop {0}")
    @MethodSource("commands")
    void description_summaryFitsTheCommandListAndEveryParagraphIsComplete(List<String> command) {
        CommandLine commandLine = tree();
        for (String word : command) {
            commandLine = commandLine.getSubcommands().get(word);
        }
        if (commandLine.getCommand() instanceof HelpCommand) {
            return;
        }
        String[] description = commandLine.getCommandSpec().usageMessage().description();
        assertTrue(description.length > 0, "no description");
        // The command list of 'nohop --help' shows the first paragraph in a 66-column cell.
        assertTrue(command.isEmpty() || description[0].length() <= 66, "summary longer than one line: " + description[0]);
        for (String paragraph : description) {
            assertTrue(paragraph.endsWith("."), "a paragraph that does not end a sentence: " + paragraph);
        }
    }

    @ParameterizedTest(name = "nohop {0} --help")
    @MethodSource("commands")
    void help_statesTheExitStatus_andDefinesDurationWhereItIsUsed(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        String help = run(args.toArray(String[]::new)).out().replaceAll("\\s+", " ");
        if (command.equals(List.of("help"))) {
            return;
        }
        assertTrue(help.contains("Exit status: 0 success; 2 usage error"), help);
        if (help.contains("=DURATION")) {
            assertTrue(help.contains("DURATION is a whole <number><unit>"), help);
        }
        if (help.contains("--passphrase-file")) {
            assertTrue(help.contains("NOHOP_PASSPHRASE"), help);
        }
    }

    @Test
    void topHelp_definesDurationPassphraseSourcesAndExitStatus() {
        String help = run("--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("DURATION is a whole <number><unit> with unit ms, s, m, h or d"), help);
        assertTrue(help.contains("--passphrase-file FILE") && help.contains("NOHOP_PASSPHRASE"), help);
        assertTrue(help.contains("Exit status: 0 success; 2 usage error"), help);
    }

    @Test
    void helpCommand_withoutArgument_printsTheTopHelp() {
        Output help = run("help");
        assertEquals(0, help.status(), help.err());
        assertEquals(run("--help").out(), help.out());
    }

    @Test
    void helpCommand_withCommand_printsThatCommandsHelp() {
        Output help = run("help", "serve");
        assertEquals(0, help.status(), help.err());
        assertEquals(run("serve", "--help").out(), help.out());
    }

    @Test
    void helpCommand_unknownCommand_usageError() {
        Output help = run("help", "frobnicate");
        assertEquals(2, help.status());
        assertTrue(help.err().startsWith("nohop: "), help.err());
    }

    @Test
    void verifyHelp_statesTheVerifierBuildersDefaults() {
        String help = run("verify", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("(default: " + DurationText.of(TokenVerifier.Builder.DEFAULT_MIN_REFRESH) + ")"), help);
        assertTrue(help.contains("(default: " + DurationText.of(TokenVerifier.Builder.DEFAULT_MAX_REFRESH) + ")"), help);
        assertTrue(help.contains("(default: " + DurationText.of(TokenVerifier.Builder.DEFAULT_MAX_STALENESS) + ")"), help);
    }

    @Test
    void version_isTheArtifactVersion() {
        String expected = System.getProperty("nohop.expectedVersion");
        Output version = run("--version");
        assertEquals(0, version.status());
        assertEquals("nohop " + expected + "\n", version.out());
        assertTrue(!expected.isBlank() && !expected.contains("${"), expected);
    }

    /** The DURATION spelling the help texts use for a default: the largest whole unit up to hours. */
    static final class DurationText {
        static String of(Duration d) {
            if (d.toSeconds() % 3600 == 0) {
                return d.toHours() + "h";
            }
            return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
        }
    }
}
