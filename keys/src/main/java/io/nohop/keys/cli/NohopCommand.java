package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The top command. New subcommands are added to {@link #SUBCOMMANDS}; each gets the shared
 * {@link CliContext} through {@code @ParentCommand}.
 * Every command gets the shared usage footer ({@link UsageFooter}) and the one-line error rules
 * ({@link UsageErrors}) without doing anything.
 */
@Command(name = "nohop",
        mixinStandardHelpOptions = true,
        versionProvider = NohopVersion.class,
        description = {"Manage a nohop signing key store: keys, rotation, revocation, JWKS publication and tokens.",
            "Run 'nohop help COMMAND' (or 'nohop COMMAND --help') for the options of a command."})
final class NohopCommand {

    /**
     * The subcommands, in the order {@code nohop --help} lists them; a new command is added here. Each
     * is built (picocli reflects over its fields) only when needed: a run of {@code nohop list} builds
     * {@code list} alone, which keeps start-up short; help and mistakes get the whole tree.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            InitCommand.class,
            RotateCommand.class,
            RevokeCommand.class,
            ListCommand.class,
            ExportCommand.class,
            IssueCommand.class,
            AuditCommand.class,
            RootKeyCommand.class,
            ServeCommand.class,
            VerifyCommand.class,
            StatusCommand.class,
            HelpCommand.class);

    final CliContext context;

    NohopCommand(CliContext context) {
        this.context = context;
    }

    /** The whole command tree. */
    static CommandLine commandLine(CliContext context) {
        return commandLine(context, Optional.empty());
    }

    /**
     * The command tree for one run: with only the subcommand the first argument names, when it names
     * one; else the whole tree.
     */
    static CommandLine commandLine(CliContext context, Optional<String> firstArgument) {
        CommandLine commandLine = new CommandLine(new NohopCommand(context));
        Optional<Class<?>> only = firstArgument.flatMap(NohopCommand::subcommandNamed)
                .filter(c -> c != HelpCommand.class);
        for (Class<?> command : only.map(List::<Class<?>>of).orElse(SUBCOMMANDS)) {
            commandLine.addSubcommand(command);
        }
        commandLine.setOut(new PrintWriter(context.out, true));
        commandLine.setErr(new PrintWriter(context.err, true));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        UsageFooter.applyTo(commandLine);
        commandLine.setParameterExceptionHandler((e, args) -> {
            context.err.println("nohop: " + UsageErrors.describe(e));
            context.err.flush();
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof StoreException) {
                context.err.println("nohop: " + oneLine(e.getMessage()));
            } else if (e instanceof IOException io) {
                context.err.println("nohop: " + FileProblem.describe(io));
            } else {
                // A bug or an environment problem nobody anticipated: still one line, never a stack trace.
                context.err.println("nohop: unexpected failure: " + e.getClass().getSimpleName() + ": "
                        + oneLine(e.getMessage()));
            }
            context.err.flush();
            return 1;
        });
        return commandLine;
    }

    private static Optional<Class<?>> subcommandNamed(String name) {
        return SUBCOMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(name)).findFirst();
    }

    static String oneLine(String message) {
        return message == null ? "no detail" : message.replaceAll("\\s+", " ").trim();
    }
}
