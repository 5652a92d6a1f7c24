package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.keys.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tool driven through {@code java -jar keys/target/nohop.jar}. */
class NohopJarIT {

    @TempDir
    Path tmp;

    private String init(String algorithm) throws Exception {
        String store = tmp.resolve("store").toString();
        NohopJar.Result r = NohopJar.run("init", "--store", store, "--algorithm", algorithm, "--issuer", "https://auth.example");
        assertEquals(0, r.status(), r.err());
        return store;
    }

    private static void assertOneLineFailure(NohopJar.Result r, int status, String start) {
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("nohop: " + start), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256"})
    void initIssueExport_tokenVerifiesAgainstExportedJwks(String algorithm) throws Exception {
        String store = init(algorithm);
        NohopJar.Result issued = NohopJar.run("issue", "--store", store, "--subject", "alice", "--audience", "orders",
                "--ttl", "10m", "--claim", "role=admin", "--claim-json", "tags=[\"a\",\"b\"]");
        assertEquals(0, issued.status(), issued.err());
        assertEquals(1, issued.out().split("\n").length, issued.out());
        Path jwksFile = tmp.resolve("jwks.json");
        assertEquals(0, NohopJar.run("export", "--store", store, "--out", jwksFile.toString()).status());

        SignedJWT jwt = SignedJWT.parse(issued.out().trim());
        JWKSet jwks = JWKSet.parse(Files.readString(jwksFile));
        JWK jwk = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertTrue(jwk != null && !jwk.isPrivate() && "sig".equals(jwk.getKeyUse().identifier()));
        assertTrue(jwt.verify(jwk instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) jwk)));
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertEquals("https://auth.example", jwt.getJWTClaimsSet().getIssuer());
        assertEquals("admin", jwt.getJWTClaimsSet().getStringClaim("role"));
        assertEquals(List.of("a", "b"), jwt.getJWTClaimsSet().getStringListClaim("tags"));
    }

    /**
     * Writes that fail part-way, as on a full disk (here a file-size limit of 2 KiB, so that the root and the signed
     * key set are written and the RSA key's encrypted record is not): init fails with one line and leaves no folder,
     * no key file behind; run again with room, it creates the store.
     */
    @Test
    void init_writesFailPartWay_leavesNothingBehind() throws Exception {
        Path store = tmp.resolve("store");
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", "ulimit -f 2 && exec \"$@\"", "nohop"));
        command.addAll(NohopJar.command(List.of("init", "--store", store.toString(), "--algorithm", "RS256",
                "--issuer", "https://auth.example")));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NOHOP_PASSPHRASE", NohopJar.PASSPHRASE);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        process.getOutputStream().close();
        String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, process.waitFor(), err);
        assertTrue(err.startsWith("nohop: cannot create the store at ") && err.contains("File too large")
                && err.lines().count() == 1, err);
        assertTrue(!Files.exists(store), "left behind: " + (Files.exists(store) ? TestStores.picture(store) : List.of()));

        assertEquals(0, NohopJar.run("init", "--store", store.toString(), "--algorithm", "RS256",
                "--issuer", "https://auth.example").status());
    }

    @Test
    void wrongPassphrase_clearErrorAndNothingChanged() throws Exception {
        String store = init("ES256");
        List<String> before = TestStores.picture(Path.of(store));
        Map<String, String> wrong = Map.of("NOHOP_PASSPHRASE", "not-it");
        assertOneLineFailure(NohopJar.run(wrong, "rotate", "--store", store), 1, "wrong passphrase");
        assertOneLineFailure(NohopJar.run(wrong, "issue", "--store", store, "--subject", "a", "--audience", "b"),
                1, "wrong passphrase");
        assertEquals(before, TestStores.picture(Path.of(store)));
    }

    @Test
    void missingPassphrase_clearError() throws Exception {
        String store = init("ES256");
        assertOneLineFailure(NohopJar.run(Map.of(), "rotate", "--store", store), 1, "no passphrase");
    }

    @Test
    void corruptRecord_clearErrorAndNothingChanged() throws Exception {
        String store = init("ES256");
        Path record;
        try (var files = Files.list(Path.of(store, "keys"))) {
            record = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String text = Files.readString(record);
        Files.writeString(record, text.substring(0, text.length() / 2));
        List<String> before = TestStores.picture(Path.of(store));
        for (String[] args : List.of(
                new String[] {"list", "--store", store},
                new String[] {"rotate", "--store", store},
                new String[] {"issue", "--store", store, "--subject", "a", "--audience", "b"},
                new String[] {"export", "--store", store, "--out", tmp.resolve("j.json").toString()})) {
            assertOneLineFailure(NohopJar.run(args), 1, "corrupt key record " + record);
        }
        assertEquals(before, TestStores.picture(Path.of(store)));
        assertTrue(!Files.exists(tmp.resolve("j.json")));
    }

    @Test
    void unknownFlag_usageError() throws Exception {
        String store = init("ES256");
        assertEquals(2, NohopJar.run("list", "--store", store, "--frobnicate").status());
        assertEquals(2, NohopJar.run("rotate", "--store", store, "--frobnicate").status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "1.5h", "-5m", "5 m"})
    void badDuration_usageError(String duration) throws Exception {
        String store = init("ES256");
        NohopJar.Result r = NohopJar.run("issue", "--store", store, "--subject", "a", "--audience", "b", "--ttl", duration);
        assertOneLineFailure(r, 2, "Invalid value for option '--ttl'");
    }

    @Test
    void listJson_exactShape() throws Exception {
        String store = init("EdDSA");
        NohopJar.Result r = NohopJar.run("list", "--store", store, "--json");
        assertEquals(0, r.status(), r.err());
        List<Object> array = JSONArrayUtils.parse(r.out());
        assertEquals(1, array.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> key = (Map<String, Object>) array.get(0);
        assertEquals(Set.of("kid", "alg", "state", "createdAt", "activateAt", "deactivateAt", "removeAt", "revokedAt"),
                key.keySet());
        assertEquals("EdDSA", key.get("alg"));
        assertEquals("ACTIVE", key.get("state"));
        assertTrue(((String) key.get("createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(null, key.get("deactivateAt"));
        assertEquals(null, key.get("revokedAt"));
    }

    @Test
    void auditVerify_afterOperations_intact() throws Exception {
        String store = init("ES256");
        assertEquals(0, NohopJar.run("rotate", "--store", store).status());
        NohopJar.Result r = NohopJar.run("audit", "verify", "--store", store);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
    }
}
