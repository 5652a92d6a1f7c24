package io.nohop.core.internal.refresh;

import com.nimbusds.jose.jwk.JWK;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What must hold for every input: no byte change to a signed key set is accepted, and no order in which
 * sets arrive — from the endpoint or across restarts from the cache file — makes a verifier go back to
 * an older set.
 */
class SignedKeySetPropertyTest {
    private static final Instant IAT = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] SET = SignedSets.set(SignedSets.ROOT, IAT, Optional.of("https://auth.example"),
            TestKeys.key("a", 0), TestKeys.key("b", 1)).getBytes(StandardCharsets.US_ASCII);
    private static final SignedKeySetVerifier PINNED = SignedSets.verifier(Optional.empty(), SignedSets.ROOT);

    /** One byte changed, inserted or removed. */
    enum Change { REPLACE, INSERT, DELETE }

    record Edit(Change change, int at, byte value) {
        byte[] applyTo(byte[] document) {
            int i = Math.floorMod(at, document.length + (change == Change.INSERT ? 1 : 0));
            switch (change) {
                case REPLACE: {
                    if (document[i] == value) {
                        return null;
                    }
                    byte[] out = document.clone();
                    out[i] = value;
                    return out;
                }
                case INSERT: {
                    byte[] out = new byte[document.length + 1];
                    System.arraycopy(document, 0, out, 0, i);
                    out[i] = value;
                    System.arraycopy(document, i, out, i + 1, document.length - i);
                    return out;
                }
                default: {
                    byte[] out = new byte[document.length - 1];
                    System.arraycopy(document, 0, out, 0, i);
                    System.arraycopy(document, i + 1, out, i, document.length - i - 1);
                    return out;
                }
            }
        }
    }

    @Provide
    Arbitrary<Edit> edits() {
        // Bytes of the base64url alphabet and the dot most of the time: the changes that get furthest.
        Arbitrary<Byte> likely = Arbitraries.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
                .chars().mapToObj(c -> (byte) c).toList());
        return Combinators.combine(Arbitraries.of(Change.class), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, likely), net.jqwik.api.Tuple.of(1, Arbitraries.bytes())))
                .as(Edit::new);
    }

    @Property(tries = 1000)
    void anyByteChangeToASignedSet_refused(@ForAll("edits") Edit edit) {
        byte[] changed = edit.applyTo(SET);
        if (changed == null || Arrays.equals(changed, SET)) {
            return;
        }
        assertThrows(InvalidKeySetException.class, () -> PINNED.verify(changed, IAT.plusSeconds(1), Optional.empty()));
    }

    // ------------------------------------------------------------------------------------ out of order

    private static final int SETS = 6;
    /** Set i is issued i minutes after the first and holds only the key "k" + i. */
    private static final List<String> ORDERED = orderedSets();

    private static List<String> orderedSets() {
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < SETS; i++) {
            JWK key = TestKeys.key("k" + i, i % 4);
            sets.add(SignedSets.set(SignedSets.ROOT, RefreshFixture.START.plus(Duration.ofMinutes(i)), Optional.empty(),
                    key));
        }
        return List.copyOf(sets);
    }

    /** @param set which set the endpoint serves before the next fetch, or -1 to restart the verifier */
    record Step(int set) {
    }

    @Provide
    Arbitrary<List<Step>> deliveries() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, SETS - 1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(-1))).map(Step::new).list().ofMinSize(1).ofMaxSize(14);
    }

    @Property(tries = 60)
    void setsDeliveredInAnyOrder_theVerifierNeverGoesBackToAnOlderOne(@ForAll("deliveries") List<Step> steps) {
        Path dir = tempDir();
        try (RefreshFixture world = new RefreshFixture()) {
            world.cacheFile = Optional.of(dir.resolve("keys.json"));
            SignedKeySetVerifier pinned = SignedSets.verifier(Optional.empty(), SignedSets.ROOT);
            RefreshingKeySource source = null;
            int newest = -1;
            for (Step step : steps) {
                if (step.set() < 0) {
                    if (source != null) {
                        source.close();
                    }
                    source = world.signedSource(pinned);
                    source.start();
                } else {
                    world.endpoint.answerKeys(FaultyEndpoint.document(ORDERED.get(step.set())));
                    if (source == null) {
                        source = world.started(world.signedSource(pinned));
                    } else {
                        world.scheduler.advanceTo(source.health().nextRefresh().orElseThrow());
                    }
                    newest = Math.max(newest, step.set());
                }
                List<String> expected = newest < 0 ? List.of() : List.of("k" + newest);
                assertEquals(expected, List.copyOf(source.snapshot().kids()), "after " + steps);
            }
        } finally {
            deleteAll(dir);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("nohop-signed-order-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteAll(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
