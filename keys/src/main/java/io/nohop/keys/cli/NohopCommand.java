package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top command. New subcommands (such as {@code serve} and {@code verify}) are added to the
 * {@code subcommands} list; each gets the shared {@link CliContext} through {@code @ParentCommand}.
 */
@Command(name = "nohop",
        mixinStandardHelpOptions = true,
        version = "nohop 0.1.0",
        description = "Manage a nohop signing key store: keys, rotation, revocation, JWKS export and tokens.",
        subcommands = {
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
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            context.err.println("nohop: " + oneLine(e.getMessage()) + " (see '"
                    + failed.getCommandSpec().qualifiedName() + " --help')");
            context.err.flush();
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof StoreException) {
                context.err.println("nohop: " + oneLine(e.getMessage()));
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
