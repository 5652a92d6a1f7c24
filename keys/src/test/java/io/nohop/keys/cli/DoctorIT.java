package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nohop doctor} through the shaded jar against a real {@code nohop serve} process, as the runbook
 * uses it: a clean bill of health with --store, --key-set-signer and a token from {@code nohop issue}; once
 * the endpoint is gone, exit 1 with one stderr line.
 */
class DoctorIT {

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    private String serve(String store) throws Exception {
        Process p = NohopJar.start(Map.of(), "serve", "--store", store, "--port", "0");
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertTrue(first != null && first.startsWith("listening on http://127.0.0.1:"), String.valueOf(first));
        return first.substring("listening on ".length());
    }

    private static String lines(NohopJar.Result r) {
        return r.out() + r.err();
    }

    @Test
    void doctor_againstNohopServe_cleanBill_thenExit1WhenItIsGone() throws Exception {
        String store = tmp.resolve("store").toString();
        assertEquals(0, NohopJar.run("init", "--store", store, "--issuer", "https://auth.example").status());
        String url = serve(store);
        Path root = tmp.resolve("root.jwk");
        Files.writeString(root, NohopJar.run("root-key", "--store", store).out());
        NohopJar.Result issued = NohopJar.run("issue", "--store", store, "--subject", "alice", "--audience", "orders");
        assertEquals(0, issued.status(), issued.err());
        Path token = tmp.resolve("token.jwt");
        Files.writeString(token, issued.out());

        NohopJar.Result r = NohopJar.run(Map.of(), "doctor", "--jwks-uri", url + "/.well-known/jwks.jwt",
                "--key-set-signer", root.toString(), "--issuer", "https://auth.example", "--audience", "orders",
                "--token-file", token.toString(), "--store", store);
        assertEquals(0, r.status(), lines(r));
        assertEquals("", r.err());
        assertTrue(r.out().lines().noneMatch(l -> l.startsWith("error")), r.out());
        for (String check : List.of("caching.conditional_get", "caching.publish_lead", "keys.signed_set",
                "keys.store_agrees", "verifier.keys", "token.verify", "token.key")) {
            assertTrue(r.out().contains("ok      " + check + ": "), check + "\n" + r.out());
        }
        assertFalse(r.out().contains(issued.out().trim()), "the token must never be printed");

        processes.get(0).destroyForcibly().waitFor();
        NohopJar.Result gone = NohopJar.run(Map.of(), "doctor", "--jwks-uri", url + "/.well-known/jwks.json", "--json");
        assertEquals(1, gone.status(), lines(gone));
        assertEquals(1, gone.errLines().size(), gone.err());
        assertTrue(gone.err().startsWith("nohop: doctor found "), gone.err());
        assertTrue(gone.out().startsWith("[{\"severity\":") && gone.out().contains("\"check\":\"transport.reachable\""),
                gone.out());
    }
}
