package io.nohop.keys.cli;

import io.nohop.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --key-set-signer FILE}: what is not a root's public JWK is a usage error, in one line. */
class KeySetSignerCliTest {

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    @TempDir
    Path tmp;

    private Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), MutableClock.at("2030-01-01T00:00:00Z"));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result verify(String... signerFiles) {
        List<String> args = new ArrayList<>(List.of("verify", "--jwks-uri", "http://127.0.0.1:9/.well-known/jwks.jwt",
                "--issuer", "https://auth.example", "--audience", "orders"));
        for (String file : signerFiles) {
            args.add("--key-set-signer");
            args.add(file);
        }
        return run(args.toArray(String[]::new));
    }

    private String file(String name, String content) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file.toString();
    }

    private static void assertUsageError(Result r, String contains) {
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: --key-set-signer ") && r.err().contains(contains), r.err());
        assertEquals("", r.out());
    }

    @Test
    void keySetSigner_missingFile_usageError() {
        String missing = tmp.resolve("nope.jwk").toString();
        assertUsageError(verify(missing), missing + " cannot be read");
    }

    @Test
    void keySetSigner_privateJwk_usageErrorThatNeverQuotesIt() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Result r = verify(file("private.jwk", key.toJSONString()));
        assertUsageError(r, "private key members");
        assertFalse(r.err().contains(key.getD().toString()), r.err());
    }

    @Test
    void keySetSigner_aJwkSetInsteadOfOneJwk_usageError() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        assertUsageError(verify(file("set.json", "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}")), "JWK set");
    }

    @Test
    void keySetSigner_notJson_usageError() throws Exception {
        assertUsageError(verify(file("root.jwk", "-----BEGIN PUBLIC KEY-----")), "not a JSON object");
    }

    @Test
    void keySetSigner_sameRootTwice_usageError() throws Exception {
        String root = new ECKeyGenerator(Curve.P_256).generate().toPublicJWK().toJSONString();
        assertUsageError(verify(file("a.jwk", root), file("b.jwk", root + "\n")), "holds the same root");
    }
}
