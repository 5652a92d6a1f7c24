package io.nohop.keys.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point of the {@code nohop} tool ({@code java -jar nohop.jar COMMAND}).
 *
 * <p>Exit status: 0 success, 2 usage error (unknown flag, missing or malformed argument), 1 any other
 * failure, with one line on stderr.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the tool and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err, Clock.systemUTC()));
    }

    /**
     * Runs the tool without exiting, for embedding and tests.
     *
     * @param args the command line
     * @param environment the environment variables ({@code NOHOP_PASSPHRASE})
     * @param out standard output (the machine-readable results)
     * @param err standard error (one line per failure or warning)
     * @param clock the clock
     * @return the exit status
     */
    public static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err, Clock clock) {
        Optional<String> first = args.length > 0 ? Optional.of(args[0]) : Optional.empty();
        return NohopCommand.commandLine(new CliContext(environment, out, err, clock), first).execute(args);
    }
}
