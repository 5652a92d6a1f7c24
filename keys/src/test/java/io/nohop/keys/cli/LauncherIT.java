package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution archive and its launcher, bin/nohop, unpacked and run as a user would. */
class LauncherIT {

    @TempDir
    Path tmp;

    Path prefix;
    Path home;

    record Result(int status, String out, String err) {
    }

    static Path dist() {
        return Path.of(System.getProperty("nohop.dist", "target/nohop-dist.tar.gz")).toAbsolutePath();
    }

    @BeforeEach
    void unpack() throws Exception {
        prefix = Files.createDirectories(tmp.resolve("prefix"));
        home = Files.createDirectories(tmp.resolve("home"));
        Result untar = exec(List.of("tar", "-xzf", dist().toString(), "-C", prefix.toString(), "--strip-components=1"),
                Map.of(), tmp);
        assertEquals(0, untar.status(), untar.err());
    }

    Result exec(List<String> command, Map<String, String> env, Path folder) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("NOHOP_") || k.equals("JAVA_OPTS") || k.equals("XDG_CACHE_HOME"));
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("NOHOP_OPTS", "-Dio.nohop.keys.internal.testOnlyPbkdf2Iterations=1000");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        // A real child process: bounded wait.
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 120 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    Result nohop(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(prefix.resolve("bin/nohop").toString()));
        command.addAll(List.of(args));
        return exec(command, env, tmp);
    }

    @Test
    void archive_holdsTheLauncherTheToolAndTheDocs_withTheirModes() throws Exception {
        Result listing = exec(List.of("tar", "-tvzf", dist().toString()), Map.of(), tmp);
        assertEquals(0, listing.status(), listing.err());
        String version = System.getProperty("nohop.expectedVersion");
        List<String> entries = listing.out().lines().map(l -> l.substring(l.lastIndexOf(' ') + 1)).sorted().toList();
        assertEquals(List.of("nohop-" + version + "/bin/nohop",
                "nohop-" + version + "/lib/nohop/nohop.jar",
                "nohop-" + version + "/share/doc/nohop/CHANGELOG.md",
                "nohop-" + version + "/share/doc/nohop/LICENSE",
                "nohop-" + version + "/share/doc/nohop/README.md",
                "nohop-" + version + "/share/doc/nohop/SECURITY.md"), entries);
        assertTrue(listing.out().lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith("/bin/nohop")), listing.out());
        assertEquals(-1L, Files.mismatch(prefix.resolve("lib/nohop/nohop.jar"), NohopJar.jar()),
                "lib/nohop/nohop.jar is not the same file as target/nohop.jar");
    }

    @Test
    void version_isTheArtifactVersion() throws Exception {
        Result r = nohop(Map.of(), "--version");
        assertEquals(0, r.status(), r.err());
        assertEquals("nohop " + System.getProperty("nohop.expectedVersion") + "\n", r.out());
    }

    @Test
    void argumentsWithSpacesAndQuotes_passedIntact() throws Exception {
        String store = tmp.resolve("a store with spaces").toString();
        Map<String, String> env = Map.of("NOHOP_PASSPHRASE", "pw");
        assertEquals(0, nohop(env, "init", "--store", store, "--issuer", "https://auth.example").status());
        Result issued = nohop(env, "issue", "--store", store, "--subject", "a b \"c\"", "--audience", "orders");
        assertEquals(0, issued.status(), issued.err());
        String payload = new String(java.util.Base64.getUrlDecoder().decode(issued.out().trim().split("\\.")[1]),
                StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"sub\":\"a b \\\"c\\\"\""), payload);
    }

    @Test
    void symbolicLinkToTheLauncher_findsItsPrefix() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("elsewhere/bin"));
        Path link = Files.createSymbolicLink(bin.resolve("nohop"), prefix.resolve("bin/nohop"));
        Path relative = Files.createSymbolicLink(bin.resolve("nohop-relative"), bin.relativize(prefix.resolve("bin/nohop")));
        for (Path launcher : List.of(link, relative)) {
            Result r = exec(List.of(launcher.toString(), "--version"), Map.of(), tmp);
            assertEquals(0, r.status(), launcher + ": " + r.err());
            assertTrue(r.out().startsWith("nohop "), r.out());
        }
    }

    @Test
    void javaHomeWithoutJava_oneLineAndExit1() throws Exception {
        Result r = nohop(Map.of("JAVA_HOME", tmp.resolve("no-java").toString()), "--version");
        assertEquals(1, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("nohop: JAVA_HOME is "), r.err());
    }

    @Test
    void usageError_isStillOneLineAndExit2() throws Exception {
        Result r = nohop(Map.of(), "list", "--stor", "x");
        assertEquals(2, r.status());
        assertEquals("nohop: unknown option --stor; did you mean --store?\n", r.err());
    }

    @Test
    void classDataSharing_recordedOnTheFirstRunUsedOnTheNext_withTheSameOutputAndNothingOnStderr() throws Exception {
        String store = tmp.resolve("store").toString();
        Map<String, String> env = Map.of("NOHOP_PASSPHRASE", "pw");
        assertEquals(0, nohop(env, "init", "--store", store, "--issuer", "https://auth.example").status());
        Result first = nohop(env, "list", "--store", store);
        List<Path> archives = archives();
        Result second = nohop(env, "list", "--store", store);
        assertEquals(0, first.status(), first.err());
        assertEquals(first, second);
        assertEquals("", first.err());
        assertEquals(1, archives.size(), "one archive for list: " + archives);
        assertTrue(archives.get(0).getFileName().toString().endsWith("-list.jsa"), archives.toString());
        assertEquals(archives, archives(), "the second run made no new archive");
    }

    @Test
    void classDataSharing_off_makesNoArchive() throws Exception {
        Result r = nohop(Map.of("NOHOP_CDS", "off"), "--help");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(), archives());
    }

    private List<Path> archives() throws IOException {
        Path cache = home.resolve(".cache/nohop");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".jsa")).sorted().toList();
        }
    }
}
