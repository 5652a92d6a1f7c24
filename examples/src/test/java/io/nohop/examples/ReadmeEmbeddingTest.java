package io.nohop.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreConfig;
import io.nohop.keys.TokenIssuer;
import io.nohop.keys.TokenRequest;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "A complete service" {@code main}, taken from the README (the java block after
 * {@code <!-- embedding:main -->}), compiled with every lint warning an error and run in a child JVM
 * against a key endpoint on loopback: it must print the 200 line with the token's subject and kid.
 * Only the endpoint's URI is replaced (the README's https://keys.internal is not reachable here).
 */
class ReadmeEmbeddingTest {

    private static final String README_URI = "https://keys.internal/.well-known/jwks.json";

    @TempDir
    Path tmp;

    static String readmeMain() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("basedir", "."), "..", "README.md"));
        int marker = readme.indexOf("<!-- embedding:main -->");
        assertTrue(marker >= 0, "no <!-- embedding:main --> in the README");
        int start = readme.indexOf("```java\n", marker);
        int end = readme.indexOf("\n```", start + 8);
        assertTrue(start > marker && end > start, "no java block after <!-- embedding:main -->");
        return readme.substring(start + 8, end + 1);
    }

    @Test
    void readmeMain_compilesAndAcceptsAGenuineToken() throws Exception {
        String source = readmeMain();
        assertTrue(source.contains(README_URI), "the README's main names " + README_URI);
        char[] passphrase = "readme-test".toCharArray();
        SigningKeyStore store = SigningKeyStore.create(tmp.resolve("store"),
                StoreConfig.builder().issuer("https://auth.example").build(), passphrase, Clock.systemUTC());
        try (JwksServer server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     StorePublication.of(store), new JwksServer.Settings());
             TokenIssuer issuer = TokenIssuer.create(store, passphrase)) {
            String token = issuer.issue(TokenRequest.builder().subject("alice").audience("orders")
                    .ttl(Duration.ofMinutes(5)).build());
            Path sourceFile = Files.createDirectories(tmp.resolve("src")).resolve("OrdersAuth.java");
            Files.writeString(sourceFile, source.replace(README_URI, server.boundUrl() + JwksServer.JWKS_PATH));
            Path classes = Files.createDirectories(tmp.resolve("classes"));
            String classPath = System.getProperty("java.class.path");

            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            int compiled = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "-d", classes.toString(),
                    "-cp", classPath, sourceFile.toString());
            assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));

            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(List.of(java.toString(), "-cp",
                    classes + File.pathSeparator + classPath, "OrdersAuth", token))
                    .directory(tmp.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // A real child process: bounded wait.
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "OrdersAuth did not finish in 60 s");
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String kid = store.snapshot().records().get(0).kid();
            assertEquals(0, process.exitValue(), out);
            assertTrue(out.lines().anyMatch(l -> l.equals("200 alice, key " + kid)), out);
            assertTrue(Files.exists(tmp.resolve("orders-nohop-keys.json")), "the cache file was not written");
        }
    }
}
