package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.nohop.core.TokenVerifier;
import io.nohop.core.testing.MutableClock;
import io.nohop.keys.StoreException;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code --crypto} of {@code issue} and {@code verify} (issue 14). The build machine is Linux x86-64, where
 * the native provider loads (its failure to load fails these tests, never skips them); a machine where it
 * cannot load is stood in for by {@link CryptoChoice#provider(CliContext, java.util.function.Supplier)}.
 */
class CryptoOptionTest {

    record Result(int status, String out, String err) {
    }

    @TempDir
    Path tmp;

    final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final CliContext context = new CliContext(Map.of("NOHOP_PASSPHRASE", "pw"), new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8), clock);

    Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = NohopCommand.commandLine(new CliContext(Map.of("NOHOP_PASSPHRASE", "pw"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), clock));
        ((VerifyCommand) commandLine.getSubcommands().get("verify").getCommand()).in =
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int status = commandLine.execute(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String init(String algorithm) {
        String store = tmp.resolve("store-" + algorithm).toString();
        Result r = run("", "init", "--store", store, "--algorithm", algorithm, "--issuer", "https://auth.example");
        assertEquals(0, r.status(), r.err());
        return store;
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void issue_cryptoNative_signsATokenTheJdkVerifies(String algorithm) throws Exception {
        String store = init(algorithm);
        Result issued = run("", "issue", "--store", store, "--subject", "alice", "--audience", "orders", "--crypto", "native");
        assertEquals(0, issued.status(), issued.err());
        assertEquals("", issued.err());
        Path jwks = tmp.resolve("jwks-" + algorithm + ".json");
        assertEquals(0, run("", "export", "--store", store, "--out", jwks.toString()).status());
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(Files.readString(jwks)).issuer("https://auth.example")
                .audience("orders").requiredType("at+jwt").clock(clock).build()) {
            assertEquals("alice", verifier.verify(issued.out().strip()).subject());
        }
    }

    @Test
    void verify_cryptoNative_acceptsATokenAndChecksWithTheNativeProvider() throws Exception {
        String store = init("ES256");
        String token = run("", "issue", "--store", store, "--subject", "alice", "--audience", "orders").out().strip();
        try (JwksServer server = JwksServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StorePublication.of(Path.of(store), clock), new JwksServer.Settings().clock(clock))) {
            Result r = run(token + "\n", "verify", "--jwks-uri", server.boundUrl() + JwksServer.JWKS_PATH,
                    "--issuer", "https://auth.example", "--audience", "orders", "--crypto", "native");
            assertEquals(0, r.status(), r.err());
            assertEquals("", r.err());
            assertTrue(r.out().startsWith("{\"valid\":true"), r.out());
        }
    }

    @Test
    void issue_cryptoUnknownValue_usageErrorInOneLine() {
        Result r = run("", "issue", "--store", init("ES256"), "--subject", "a", "--audience", "b", "--crypto", "openssl");
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("nohop: ") && r.err().contains("--crypto")
                && r.err().contains("[jdk, native, auto]"), r.err());
    }

    @Test
    void cryptoJdk_neverLooksForTheNativeProvider() throws StoreException {
        AtomicInteger lookUps = new AtomicInteger();
        Optional<Provider> provider = CryptoChoice.JDK.provider(context, () -> {
            lookUps.incrementAndGet();
            return unavailable();
        });
        assertEquals(Optional.empty(), provider);
        assertEquals(0, lookUps.get());
    }

    @Test
    void cryptoAuto_nativeCannotLoad_fallsBackToTheJdkWithOneLineSayingWhy() throws StoreException {
        assertEquals(Optional.empty(), CryptoChoice.AUTO.provider(context, CryptoOptionTest::unavailable));
        List<String> lines = errBytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("nohop: native crypto unavailable, using the JDK's providers: its native library does not"
                + " load here (Mac OS X/aarch64): no libamazonCorrettoCryptoProvider"), lines);
    }

    @Test
    void cryptoNative_nativeCannotLoad_failsNamingWhy() {
        StoreException e = assertThrows(StoreException.class,
                () -> CryptoChoice.NATIVE.provider(context, CryptoOptionTest::unavailable));
        assertEquals("--crypto native: its native library does not load here (Mac OS X/aarch64): no"
                + " libamazonCorrettoCryptoProvider", e.getMessage());
        assertEquals("", errBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cryptoAuto_nativeLoads_usesItSilently() throws StoreException {
        Optional<Provider> provider = CryptoChoice.AUTO.provider(context);
        assertSame(AmazonCorrettoCryptoProvider.INSTANCE, provider.orElseThrow());
        assertFalse(errBytes.toString(StandardCharsets.UTF_8).contains("unavailable"));
    }

    private static NativeProvider.Outcome unavailable() {
        return new NativeProvider.Outcome(Optional.empty(),
                "its native library does not load here (Mac OS X/aarch64): no libamazonCorrettoCryptoProvider");
    }
}
