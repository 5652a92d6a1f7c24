package io.nohop.keys.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar keys/target/nohop.jar} as a user would, in a child JVM. */
final class NohopJar {

    static final String PASSPHRASE = "it-passphrase";

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    static Path jar() {
        return Path.of(System.getProperty("nohop.jar", "target/nohop.jar")).toAbsolutePath();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** JVM flags that cut start-up time of a short command; the low PBKDF2 work factor only matters for init. */
    static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dio.nohop.keys.internal.testOnlyPbkdf2Iterations=1000", "-jar", jar().toString()));
        command.addAll(args);
        return command;
    }

    static Process start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(List.of(args)));
        builder.environment().remove("NOHOP_PASSPHRASE");
        builder.environment().putAll(env);
        return builder.start();
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process process = start(env, args);
        process.getOutputStream().close();
        // Small outputs: read after exit is safe (pipe buffers hold them).
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("nohop " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of("NOHOP_PASSPHRASE", PASSPHRASE), args);
    }

    private NohopJar() {
    }
}
