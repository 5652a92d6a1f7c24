package io.nohop.examples.bench;

import com.google.crypto.tink.subtle.Ed25519Verify;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;

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
 * Signature checks on the benchmark fixtures ({@code signatures}), nohop's cheap paths through the
 * public API as {@link CheapPathBenchmark} drives them ({@code cheap}), or whole verifications by nohop
 * with each crypto configuration next to each provider's own signature check, auth0 and Nimbus
 * ({@code verify}), compared on a machine shared with other work: every candidate runs in turn for
 * 100 ms of this thread's CPU time, round after round, and the report gives CPU µs per operation
 * (minimum and median over the rounds, the first three rounds being warm-up) and, for {@code verify},
 * nohop's ratio to the floor of the same run. {@code threads} runs nohop's verify on one thread, then on
 * two at once, in turn, and compares the CPU time per verification: equal CPU per operation on two
 * threads means nothing is shared that makes them wait, so two free cores give twice the throughput.
 * Interleaving gives every implementation the same background load; thread CPU time leaves out the
 * time the thread waited for a core. Not a JMH benchmark (no forks, no dead-code protection beyond
 * checking every result): a cross-check for the JMH figures when the machine is not quiet.
 *
 * <pre>java -cp examples/target/benchmarks.jar io.nohop.examples.bench.InterleavedComparison [seconds] [signatures|cheap|verify|threads] [RS256,PS256,...]</pre>
 *
 * <p>{@code verify} takes an optional comma-separated list of algorithms (default all four): fewer
 * candidates give each more rounds in the same time.
 */
public final class InterleavedComparison {
    private static final long BATCH_CPU_NANOS = 100_000_000L;
    private static final int WARM_UP_ROUNDS = 3;
    private static final int OPS_PER_CLOCK_READ = 64;

    private InterleavedComparison() {
    }

    /**
     * Runs the comparison.
     *
     * @param args optional: how many seconds to run (default 60), then {@code signatures} (default),
     *             {@code cheap}, {@code verify} or {@code threads}, then for {@code verify} the algorithms
     *             (comma-separated, default {@code RS256,PS256,ES256,EdDSA})
     * @throws Exception if a fixture, implementation or verifier cannot be set up
     */
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
        String mode = args.length > 1 ? args[1] : "signatures";
        Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            switch (mode) {
                case "cheap" -> {
                    for (String algorithm : new String[] {"RS256", "ES256"}) {
                        addCheapPaths(checks, algorithm, toClose);
                    }
                    printResults(run(checks, seconds));
                }
                case "verify" -> {
                    List<String> algorithms = args.length > 2 ? List.of(args[2].split(",")) : List.of(BenchTokens.ALGORITHMS);
                    for (String algorithm : algorithms) {
                        if (!List.of(BenchTokens.ALGORITHMS).contains(algorithm)) {
                            throw new IllegalArgumentException("unknown algorithm " + algorithm + " (RS256, PS256, ES256 or EdDSA)");
                        }
                    }
                    addVerifications(checks, algorithms, toClose);
                    Map<String, double[]> results = run(checks, seconds);
                    printResults(results);
                    printRatios(results);
                }
                case "threads" -> ThreadScaling.run(seconds, toClose);
                case "signatures" -> {
                    addSignatures(checks);
                    printResults(run(checks, seconds));
                }
                default -> throw new IllegalArgumentException("unknown mode " + mode
                        + " (signatures, cheap, verify or threads)");
            }
        } finally {
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }
    }

    /**
     * Every algorithm: the native provider's own check and nohop with it; the JDK's own check and nohop by
     * default; auth0 and Nimbus (JDK); for EdDSA also BouncyCastle's check alone, nohop with the JDK's own
     * Ed25519 ({@code SunEC}), Tink alone and Nimbus + Tink.
     */
    private static void addVerifications(Map<String, BooleanSupplier> checks, List<String> algorithms,
                                         List<AutoCloseable> toClose) throws Exception {
        Provider accp = CryptoProviders.accp();
        for (String algorithm : algorithms) {
            BenchTokens.Fixture f = BenchTokens.fixture(algorithm);
            checks.put(algorithm + " ACCP Signature", jca(f, accp));
            checks.put(algorithm + " nohop ACCP", nohop(f, "ACCP", toClose));
            checks.put(algorithm + " JDK Signature", jca(f, null));
            checks.put(algorithm + " nohop JDK", nohop(f, "JDK", toClose));
            if (!algorithm.equals("EdDSA")) {
                Auth0Benchmark auth0 = new Auth0Benchmark();
                auth0.algorithm = algorithm;
                auth0.setup();
                checks.put(algorithm + " auth0 (JDK)", () -> auth0.verify() != null);
                NimbusBenchmark nimbus = new NimbusBenchmark();
                nimbus.algorithm = algorithm;
                nimbus.setup();
                checks.put(algorithm + " Nimbus (JDK)", () -> {
                    try {
                        return nimbus.verify() != null;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
        if (!algorithms.contains("EdDSA")) {
            return;
        }
        BenchTokens.Fixture ed = BenchTokens.fixture("EdDSA");
        byte[] spki = ed.publicKey.getEncoded();
        byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        Ed25519.PublicPoint point = Ed25519.validatePublicKeyPartialExport(raw, 0);
        checks.put("EdDSA BouncyCastle rfc8032 (point)", () ->
                Ed25519.verify(ed.signature, 0, point, ed.signingInput, 0, ed.signingInput.length));
        checks.put("EdDSA nohop SunEC", nohop(ed, "SunEC", toClose));
        Ed25519Verify tink = new Ed25519Verify(raw);
        checks.put("EdDSA Tink", () -> {
            try {
                tink.verify(ed.signature, ed.signingInput);
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        });
        NimbusEd25519Benchmark nimbusTink = new NimbusEd25519Benchmark();
        nimbusTink.setup();
        checks.put("EdDSA Nimbus+Tink", () -> {
            try {
                return nimbusTink.verify() != null;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static BooleanSupplier nohop(BenchTokens.Fixture f, String crypto, List<AutoCloseable> toClose) {
        TokenVerifier verifier = NohopVerifiers.forFixture(f, 0, crypto);
        toClose.add(verifier);
        return () -> {
            try {
                return verifier.verify(f.token) != null;
            } catch (TokenRejectedException e) {
                return false;
            }
        };
    }

    /** nohop's time over the floor's, per algorithm, from the minimum and from the median of the same run. */
    private static void printRatios(Map<String, double[]> results) {
        System.out.println();
        System.out.println("ratios (minimum / median over the rounds):");
        for (String algorithm : BenchTokens.ALGORITHMS) {
            ratio(results, algorithm + " nohop ACCP", algorithm + " ACCP Signature");
            ratio(results, algorithm + " nohop JDK", algorithm + " JDK Signature");
        }
        ratio(results, "EdDSA nohop JDK", "EdDSA Nimbus+Tink");
        ratio(results, "EdDSA nohop SunEC", "EdDSA JDK Signature");
    }

    private static void ratio(Map<String, double[]> results, String measured, String floor) {
        double[] m = results.get(measured);
        double[] f = results.get(floor);
        if (m != null && f != null) {
            System.out.printf(Locale.ROOT, "%-22s / %-26s %6.3f / %6.3f%n", measured, floor, m[0] / f[0], m[1] / f[1]);
        }
    }

    private static void addCheapPaths(Map<String, BooleanSupplier> checks, String algorithm,
                                      List<AutoCloseable> toClose) throws Exception {
        CheapPathBenchmark b = new CheapPathBenchmark();
        b.algorithm = algorithm;
        b.setup();
        toClose.add(b::tearDown);
        checks.put(algorithm + " malformed ('!' in payload)", () -> b.malformedBang() != null);
        checks.put(algorithm + " unknown kid, fixed set", () -> b.unknownKid() != null);
        checks.put(algorithm + " unknown kid flood, endpoint", () -> b.unknownKidFlood() != null);
        checks.put(algorithm + " cache hit, same String", () -> hit(b, false));
        checks.put(algorithm + " cache hit, fresh String", () -> hit(b, true));
        checks.put(algorithm + " fresh String alone", () -> b.freshStringOnly().length() > 0);
    }

    private static boolean hit(CheapPathBenchmark b, boolean fresh) {
        try {
            return (fresh ? b.cacheHitFreshString() : b.cacheHitSameString()) != null;
        } catch (io.nohop.core.TokenRejectedException e) {
            return false;
        }
    }

    private static void addSignatures(Map<String, BooleanSupplier> checks) throws GeneralSecurityException {
        Provider accp = CryptoProviders.accp();
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
    }

    /** @return per check, the minimum and the median of thread CPU µs per operation over the rounds */
    private static Map<String, double[]> run(Map<String, BooleanSupplier> checks, long seconds) {
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
                    // Reading the thread clock costs about a microsecond: run operations in groups.
                    for (int i = 0; i < OPS_PER_CLOCK_READ; i++) {
                        if (!e.getValue().getAsBoolean()) {
                            throw new IllegalStateException(e.getKey() + " did not take its path");
                        }
                    }
                    ops += OPS_PER_CLOCK_READ;
                }
                double micros = (threads.getCurrentThreadCpuTime() - start) / 1000.0 / ops;
                if (round > WARM_UP_ROUNDS) {
                    perCheck.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(micros);
                }
            }
        }
        System.out.printf(Locale.ROOT, "java %s, %d rounds (%d warm-up), thread CPU µs per operation%n",
                System.getProperty("java.version"), round, WARM_UP_ROUNDS);
        if (perCheck.isEmpty()) {
            System.out.println("no round finished after the warm-up: run longer");
        }
        Map<String, double[]> results = new LinkedHashMap<>();
        perCheck.forEach((name, values) -> {
            Collections.sort(values);
            results.put(name, new double[] {values.get(0), values.get(values.size() / 2)});
        });
        return results;
    }

    private static void printResults(Map<String, double[]> results) {
        results.forEach((name, v) -> System.out.printf(Locale.ROOT, "%-42s min %9.3f   median %9.3f%n", name, v[0], v[1]));
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
