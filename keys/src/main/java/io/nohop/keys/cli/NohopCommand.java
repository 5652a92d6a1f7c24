package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The top command. New subcommands (such as {@code serve} and {@code verify}) are added to the
 * {@code subcommands} list; each gets the shared {@link CliContext} through {@code @ParentCommand}.
 * Every command gets the shared usage footer ({@link UsageFooter}) and the one-line error rules
 * ({@link UsageErrors}) without doing anything.
 */
@Command(name = "nohop",
        mixinStandardHelpOptions = true,
        versionProvider = NohopVersion.class,
        description = {"Manage a nohop signing key store: keys, rotation, revocation, JWKS publication and tokens.",
            "Run 'nohop help COMMAND' (or 'nohop COMMAND --help') for the options of a command."},
        subcommands = {
            InitCommand.class,
            RotateCommand.class,
            RevokeCommand.class,
            ListCommand.class,
            ExportCommand.class,
            IssueCommand.class,
            AuditCommand.class,
            ServeCommand.class,
            VerifyCommand.class,
            HelpCommand.class,
        })
final class NohopCommand {

    final CliContext context;

    NohopCommand(CliContext context) {
        this.context = context;
    }

    static CommandLine commandLine(CliContext context) {
        CommandLine commandLine = new CommandLine(new NohopCommand(context));
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

    static String oneLine(String message) {
        return message == null ? "no detail" : message.replaceAll("\\s+", " ").trim();
    }
}
