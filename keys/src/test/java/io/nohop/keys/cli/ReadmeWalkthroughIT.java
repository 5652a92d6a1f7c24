package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's walk-through, taken from the README itself, against the built tool: the
 * {@code sh} blocks between {@code <!-- walkthrough:begin -->} and {@code <!-- walkthrough:end -->}
 * run in one shell, as a reader would paste them, in a temporary home folder; each line of the
 * {@code text} blocks (what the README says they print, {@code …} standing for anything) must appear in
 * what they printed. The install block (after {@code <!-- walkthrough:install -->}) runs first, from
 * the root of the checkout, with a {@code mvn} that does nothing (this test runs after the build) in
 * front of the PATH; every later {@code nohop} is the launcher it installed. Two things differ from a
 * reader's run: the port (8080 in the README) is a free one, and the server the walk-through starts is
 * killed if the walk-through does not get to stop it.
 */
class ReadmeWalkthroughIT {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final List<String> STEPS =
            List.of("init", "serve", "issue", "verify", "rotate", "revoke", "export", "audit");

    @TempDir
    Path home;

    record Block(String language, String text, boolean install) {
    }

    record Run(int status, String out, String err) {
    }

    static Path readme() {
        return Path.of(System.getProperty("nohop.readme", "../README.md")).toAbsolutePath().normalize();
    }

    static Path checkout() {
        return readme().getParent();
    }

    /** The fenced blocks of the walk-through section, in order. */
    static List<Block> walkthrough() throws IOException {
        String readme = Files.readString(readme());
        int begin = readme.indexOf("<!-- walkthrough:begin -->");
        int end = readme.indexOf("<!-- walkthrough:end -->");
        assertTrue(begin >= 0 && end > begin, "no walkthrough:begin ... walkthrough:end section in " + readme());
        List<Block> blocks = new ArrayList<>();
        String language = null;
        StringBuilder text = new StringBuilder();
        boolean installNext = false;
        boolean install = false;
        for (String line : readme.substring(begin, end).split("\n", -1)) {
            if (language == null) {
                if (line.strip().equals("<!-- walkthrough:install -->")) {
                    installNext = true;
                } else if (line.startsWith("```")) {
                    language = line.substring(3).strip();
                    install = installNext;
                    installNext = false;
                    text.setLength(0);
                }
            } else if (line.startsWith("```")) {
                blocks.add(new Block(language, text.toString(), install));
                language = null;
            } else {
                text.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    void readmeWalkthrough_runsAsWrittenAndPrintsWhatItShows() throws Exception {
        Path dist = Path.of(System.getProperty("nohop.dist", "target/nohop-dist.tar.gz"));
        assertTrue(Files.isRegularFile(dist), "build the distribution first (mvn -pl keys -am verify): " + dist);
        List<Block> blocks = walkthrough();
        List<Block> install = blocks.stream().filter(Block::install).toList();
        assertEquals(1, install.size(), "one sh block after <!-- walkthrough:install -->");
        assertEquals("sh", install.get(0).language());
        List<String> steps = blocks.stream().filter(b -> b.language().equals("sh") && !b.install()).map(Block::text).toList();
        List<String> expected = blocks.stream().filter(b -> b.language().equals("text"))
                .flatMap(b -> b.text().lines()).filter(l -> !l.isBlank()).toList();
        String script = String.join("", steps);
        assertStepsInOrder(script);
        assertTrue(script.contains("8080"), "the walk-through's port is 8080, which this test replaces");

        // 0. Install, from the checkout, with the build already done.
        Path fakeBin = Files.createDirectories(home.resolve("fake-bin"));
        Path mvn = Files.writeString(fakeBin.resolve("mvn"), "#!/bin/sh\n# the build ran before this test\nexit 0\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run installed = shell(install.get(0).text(), checkout(), fakeBin + ":" + System.getenv("PATH"));
        assertEquals(0, installed.status(), "install block failed:\n" + installed.err());
        Path nohop = home.resolve(".local/bin/nohop");
        assertTrue(Files.isExecutable(nohop), "the install block did not put an executable nohop in ~/.local/bin");

        // 1-8, in one shell, with the installed command first on the PATH.
        String port = Integer.toString(freePort());
        Run run = shell(script.replace("8080", port), home, home.resolve(".local/bin") + ":" + System.getenv("PATH"));
        String report = "\n--- script ---\n" + script + "--- stdout ---\n" + run.out() + "--- stderr ---\n" + run.err();
        assertEquals(0, run.status(), "the walk-through failed" + report);
        assertEquals("", run.err(), "the walk-through wrote to stderr" + report);
        List<String> printed = run.out().lines().map(ReadmeWalkthroughIT::squeeze).toList();
        for (String line : expected) {
            Pattern pattern = pattern(line.replace("8080", port));
            assertTrue(printed.stream().anyMatch(p -> pattern.matcher(p).matches()),
                    "the README shows a line nothing printed: " + line + report);
        }
        int accepted = run.out().indexOf("\"valid\":true");
        int revoked = run.out().indexOf("\"error\":\"unknown_key\"");
        assertTrue(accepted >= 0 && revoked > accepted, "accepted, then rejected after the revocation" + report);
    }

    /** The walk-through covers the eight steps, in the order the README promises. */
    private static void assertStepsInOrder(String script) {
        int at = 0;
        for (String step : STEPS) {
            int found = script.indexOf("nohop " + step, at);
            assertTrue(found >= 0, "the walk-through has no 'nohop " + step + "' after the previous steps");
            at = found;
        }
    }

    /** A README text line as a pattern: "…" is anything, runs of spaces are one space. */
    private static Pattern pattern(String line) {
        String[] parts = squeeze(line).split("…", -1);
        return Pattern.compile(java.util.Arrays.stream(parts).map(Pattern::quote).collect(Collectors.joining(".*")));
    }

    private static String squeeze(String line) {
        return line.strip().replaceAll(" +", " ");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Runs a script with sh, set -eu, in a temporary home folder. Every process it starts is
     * remembered while it runs, so that a server left in the background is stopped afterwards.
     */
    private Run shell(String script, Path folder, String path) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder("sh", "-euc", script).directory(folder.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("NOHOP_") || k.equals("XDG_CACHE_HOME") || k.equals("JAVA_OPTS"));
        env.put("HOME", home.toString());
        env.put("PATH", path);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        process.getOutputStream().close();
        Set<ProcessHandle> started = new LinkedHashSet<>();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        try {
            // A real process tree: poll it, within a bounded time.
            while (!process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(started::add);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the script did not finish within " + LIMIT + ":\n" + script
                            + "--- stdout ---\n" + Files.readString(out) + "--- stderr ---\n" + Files.readString(err));
                }
            }
        } finally {
            process.descendants().forEach(started::add);
            process.destroyForcibly();
            for (ProcessHandle left : started) {
                left.destroy();
            }
            for (ProcessHandle left : started) {
                left.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
                left.destroyForcibly();
            }
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
