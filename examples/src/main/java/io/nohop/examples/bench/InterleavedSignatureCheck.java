package io.nohop.examples.bench;

import com.google.crypto.tink.subtle.Ed25519Verify;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Signature checks on the benchmark fixtures, compared on a machine shared with other work: every
 * implementation runs in turn for 100 ms of this thread's CPU time, round after round, and the report
 * gives CPU µs per check (minimum and median over the rounds, the first three rounds being warm-up).
 * Interleaving gives every implementation the same background load; thread CPU time leaves out the
 * time the thread waited for a core. Not a JMH benchmark (no forks, no dead-code protection beyond
 * checking every result): a cross-check for the JMH figures when the machine is not quiet.
 *
 * <pre>java -cp examples/target/benchmarks.jar io.nohop.examples.bench.InterleavedSignatureCheck [seconds]</pre>
 */
public final class InterleavedSignatureCheck {
    private static final long BATCH_CPU_NANOS = 100_000_000L;
    private static final int WARM_UP_ROUNDS = 3;

    private InterleavedSignatureCheck() {
    }

    /**
     * Runs the comparison.
     *
     * @param args optional: how many seconds to run (default 60)
     * @throws GeneralSecurityException if a fixture or implementation cannot be set up
     */
    public static void main(String[] args) throws GeneralSecurityException {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
        Provider accp = CryptoProviders.accp();
        Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
        for (String algorithm : BenchTokens.ALGORITHMS) {
            BenchTokens.Fixture f = BenchTokens.fixture(algorithm);
            checks.put(algorithm + " JDK", jca(f, null));
            checks.put(algorithm + " ACCP", jca(f, accp));
        }
        BenchTokens.Fixture ed = BenchTokens.fixture("EdDSA");
        byte[] spki = ed.publicKey.getEncoded();
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(raw, 0);
        checks.put("EdDSA BouncyCastle rfc8032 (point)", () ->
                Ed25519.verify(ed.signature, 0, point, ed.signingInput, 0, ed.signingInput.length));
        Ed25519Verify tink = new Ed25519Verify(raw);
        checks.put("EdDSA Tink", () -> {
            try {
                tink.verify(ed.signature, ed.signingInput);
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        });

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> perCheck = new LinkedHashMap<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int round = 0;
        while (System.nanoTime() < end) {
            round++;
            for (Map.Entry<String, BooleanSupplier> e : checks.entrySet()) {
                long start = threads.getCurrentThreadCpuTime();
                long ops = 0;
                while (threads.getCurrentThreadCpuTime() - start < BATCH_CPU_NANOS) {
                    if (!e.getValue().getAsBoolean()) {
                        throw new IllegalStateException(e.getKey() + " did not verify its fixture");
                    }
                    ops++;
                }
                double micros = (threads.getCurrentThreadCpuTime() - start) / 1000.0 / ops;
                if (round > WARM_UP_ROUNDS) {
                    perCheck.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(micros);
                }
            }
        }
        System.out.printf(Locale.ROOT, "java %s, %d rounds (%d warm-up), thread CPU µs per check%n",
                System.getProperty("java.version"), round, WARM_UP_ROUNDS);
        perCheck.forEach((name, values) -> {
            Collections.sort(values);
            System.out.printf(Locale.ROOT, "%-36s min %9.1f   median %9.1f%n", name, values.get(0),
                    values.get(values.size() / 2));
        });
    }

    private static BooleanSupplier jca(BenchTokens.Fixture f, Provider provider) throws GeneralSecurityException {
        Signature s = provider == null ? Signature.getInstance(f.jcaName) : Signature.getInstance(f.jcaName, provider);
        if (f.jcaParameters != null) {
            s.setParameter(f.jcaParameters);
        }
        s.initVerify(f.publicKey);
        return () -> {
            try {
                s.update(f.signingInput);
                return s.verify(f.signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        };
    }
}
