package io.nohop.keys;

import io.nohop.core.testing.MutableClock;
import static io.nohop.keys.TestStores.PASSPHRASE;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * For any sequence of rotate / revoke / clock steps (and token issues in between), at every
 * instant: at most one key is ACTIVE, every key that signed a still-valid token is published (unless
 * it was revoked), and no PENDING key signs; every token is signed by a key of the published (signed)
 * key set, that set never lacks a key the schedule publishes, and right after a rotate or revoke it holds
 * exactly those keys.
 */
class RotationPropertiesTest {

    sealed interface Step permits Rotate, Revoke, Advance, Issue {
    }

    record Rotate(long leadMinutes, boolean force) implements Step {
    }

    record Revoke(int index, boolean force) implements Step {
    }

    record Advance(long minutes) implements Step {
    }

    record Issue(long ttlMinutes) implements Step {
    }

    record Token(String kid, Instant expiresAt) {
    }

    Path dir;

    @BeforeTry
    void folder() throws IOException {
        dir = Files.createTempDirectory("nohop-prop");
    }

    @AfterTry
    void cleanUp() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> rotate = Arbitraries.of(0L, 30L, 120L, 300L)
                .flatMap(lead -> Arbitraries.of(true, false).map(force -> new Rotate(lead, force)));
        Arbitrary<Step> revoke = Arbitraries.integers().between(0, 10)
                .flatMap(i -> Arbitraries.of(true, false).map(force -> new Revoke(i, force)));
        Arbitrary<Step> advance = Arbitraries.longs().between(1, 600).map(Advance::new);
        Arbitrary<Step> issue = Arbitraries.longs().between(1, 60).map(Issue::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, rotate), net.jqwik.api.Tuple.of(1, revoke),
                net.jqwik.api.Tuple.of(3, advance), net.jqwik.api.Tuple.of(3, issue))
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 200)
    void scheduleKeepsItsPromises(@ForAll("steps") List<Step> steps) throws Exception {
        MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
        SigningKeyStore store = TestStores.create(dir.resolve("s"), clock);
        List<Token> tokens = new ArrayList<>();
        try (TokenIssuer issuer = TokenIssuer.create(store, PASSPHRASE, clock, Duration.ZERO)) {
            for (Step step : steps) {
                boolean changed = apply(step, store, issuer, clock, tokens);
                check(store.snapshot(), tokens, clock.instant());
                checkSignedSet(store.snapshot(), clock.instant(), changed);
            }
        }
    }

    /** Applies a step; tells whether it was a rotate or revoke that went through. */
    private static boolean apply(Step step, SigningKeyStore store, TokenIssuer issuer, MutableClock clock,
                                 List<Token> tokens) throws Exception {
        try {
            if (step instanceof Rotate r) {
                store.rotate(RotationRequest.standard().withPublishLead(Duration.ofMinutes(r.leadMinutes()))
                        .withForce(r.force()), PASSPHRASE);
                return true;
            } else if (step instanceof Revoke r) {
                List<KeyRecord> records = store.snapshot().records();
                store.revoke(records.get(r.index() % records.size()).kid(), Optional.of("property"), r.force(), PASSPHRASE);
                return true;
            } else if (step instanceof Advance a) {
                clock.advance(Duration.ofMinutes(a.minutes()));
            } else if (step instanceof Issue i) {
                String jwt = issuer.issue(TokenRequest.builder().subject("s").ttl(Duration.ofMinutes(i.ttlMinutes())).build());
                SignedJWT parsed = SignedJWT.parse(jwt);
                String kid = parsed.getHeader().getKeyID();
                KeyState state = store.snapshot().record(kid).orElseThrow().stateAt(clock.instant());
                if (state != KeyState.ACTIVE) {
                    throw new AssertionError("token signed by " + kid + " in state " + state);
                }
                if (!store.snapshot().signedKeySet().orElseThrow().kids().contains(kid)) {
                    throw new AssertionError("token signed by " + kid + ", which the published key set does not hold");
                }
                tokens.add(new Token(kid, parsed.getJWTClaimsSet().getExpirationTime().toInstant()));
            }
        } catch (ScheduleRefusedException | NoActiveKeyException expected) {
            // Refusals are part of the behaviour under test; the invariants must hold either way.
        }
        return false;
    }

    /**
     * The signed set never lacks a key the schedule publishes (the clock only ever removes keys from what
     * is published), and right after a command it holds exactly those keys.
     */
    private static void checkSignedSet(StoreSnapshot snapshot, Instant now, boolean afterCommand) {
        java.util.Set<String> signed = new java.util.HashSet<>(snapshot.signedKeySet().orElseThrow().kids());
        java.util.Set<String> scheduled = new java.util.HashSet<>(snapshot.publishedAt(now).stream().map(KeyRecord::kid).toList());
        if (!signed.containsAll(scheduled) || (afterCommand && !signed.equals(scheduled))) {
            throw new AssertionError("signed set " + signed + " vs. published by the schedule " + scheduled + " at " + now);
        }
        if (!snapshot.unsignedRecords().isEmpty()) {
            throw new AssertionError("genuine records reported as unsigned: " + snapshot.unsignedRecords());
        }
    }

    private static void check(StoreSnapshot snapshot, List<Token> tokens, Instant now) {
        TreeSet<Instant> instants = new TreeSet<>();
        instants.add(now);
        for (KeyRecord r : snapshot.records()) {
            Stream.of(Optional.of(r.activateAt()), r.deactivateAt(), r.removeAt(), r.revokedAt())
                    .flatMap(Optional::stream)
                    .forEach(t -> {
                        instants.add(t.minusSeconds(1));
                        instants.add(t);
                    });
        }
        tokens.forEach(t -> instants.add(t.expiresAt().minusSeconds(1)));
        for (Instant t : instants) {
            if (t.isBefore(now)) {
                continue; // the past is not rewritten by later steps except by revocation, checked below
            }
            long active = snapshot.records().stream().filter(r -> r.stateAt(t) == KeyState.ACTIVE).count();
            if (active > 1) {
                throw new AssertionError(active + " ACTIVE keys at " + t + ": " + snapshot.records());
            }
            for (Token token : tokens) {
                KeyRecord signer = snapshot.record(token.kid()).orElseThrow();
                if (t.isBefore(token.expiresAt()) && !signer.stateAt(t).isPublished()
                        && signer.stateAt(t) != KeyState.REVOKED) {
                    throw new AssertionError("key " + token.kid() + " unpublished at " + t + " while its token is valid until "
                            + token.expiresAt() + ": " + signer);
                }
            }
        }
    }
}
