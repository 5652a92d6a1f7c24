package io.nohop.keys.cli;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Turns a command-line mistake into the one line the tool prints. An unknown option or command is
 * named, with the closest known one when there is a close one ({@code unknown option --stor; did you
 * mean --store?}); it is reported even when picocli noticed a missing required option first, because
 * a misspelt required option is the usual cause of both.
 */
final class UsageErrors {

    private UsageErrors() {
    }

    static String describe(ParameterException e) {
        CommandLine failed = e.getCommandLine();
        CommandSpec spec = failed.getCommandSpec();
        List<String> unmatched = failed.getUnmatchedArguments();
        if (!unmatched.isEmpty()) {
            String first = unmatched.get(0);
            if (first.startsWith("-") && first.length() > 1) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return "unknown option " + name + hint(spec, closest(name, optionNames(spec)));
            }
            if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
                return "unknown command " + first + closest(first, spec.subcommands().keySet())
                        .map(c -> "; did you mean " + c + "?")
                        .orElse(" (see '" + spec.qualifiedName() + " help')");
            }
            return "unexpected argument '" + first + "'" + seeHelp(spec);
        }
        if (!spec.subcommands().isEmpty() && e.getMessage() != null && e.getMessage().startsWith("Missing required subcommand")) {
            return spec.qualifiedName() + " needs a command: "
                    + String.join(", ", spec.subcommands().keySet().stream().filter(c -> !c.equals("help")).toList())
                    + " (see '" + spec.qualifiedName() + " --help')";
        }
        return NohopCommand.oneLine(e.getMessage()) + seeHelp(spec);
    }

    private static String hint(CommandSpec spec, Optional<String> suggestion) {
        return suggestion.map(s -> "; did you mean " + s + "?").orElse(seeHelp(spec));
    }

    private static String seeHelp(CommandSpec spec) {
        return " (see '" + spec.qualifiedName() + " --help')";
    }

    private static List<String> optionNames(CommandSpec spec) {
        return spec.options().stream().map(OptionSpec::longestName).toList();
    }

    /**
     * The known name closest to what was typed, if any is close: at most two edits (insertions,
     * deletions, substitutions, swaps of neighbours) and fewer than half of the known name's length,
     * or the typed text is the start of exactly one known name.
     */
    static Optional<String> closest(String typed, Collection<String> known) {
        List<String> prefixed = known.stream().filter(k -> k.startsWith(typed) && typed.length() >= 3).toList();
        if (prefixed.size() == 1) {
            return Optional.of(prefixed.get(0));
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known.stream().sorted().toList()) {
            int d = distance(typed, candidate);
            if (d <= 2 && d * 2 < candidate.length() && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal string alignment distance (Levenshtein plus swaps of adjacent characters). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
