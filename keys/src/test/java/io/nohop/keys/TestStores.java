package io.nohop.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Shared fixtures: passphrase, a small schedule, and a byte-level picture of a store folder. */
public final class TestStores {

    public static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    /** T = 1h, S = 1m, R = 1h, L = 2h, period = 1d, key-set lifetime = 4h. */
    public static StoreConfig config(SigningAlgorithm algorithm) {
        return StoreConfig.builder().algorithm(algorithm).issuer("https://auth.example")
                .maxTokenLifetime(Duration.ofHours(1)).clockSkew(Duration.ofMinutes(1))
                .refreshBound(Duration.ofHours(1)).publishLead(Duration.ofHours(2))
                .rotationPeriod(Duration.ofDays(1)).keySetLifetime(Duration.ofHours(4)).build();
    }

    public static SigningKeyStore create(Path dir, Clock clock) throws StoreException {
        return SigningKeyStore.create(dir, config(SigningAlgorithm.ES256), PASSPHRASE, clock);
    }

    /** Every file (relative path and content) under the folder, for "nothing changed" checks. */
    public static List<String> picture(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().equals(".lock")) {
                    files.add(dir.relativize(p) + "=" + new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    private TestStores() {
    }
}
