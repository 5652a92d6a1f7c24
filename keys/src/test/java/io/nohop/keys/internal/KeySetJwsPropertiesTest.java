package io.nohop.keys.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any change of a single byte of a signed key set is refused by the store-side check, for every root algorithm. */
class KeySetJwsPropertiesTest {

    record Signed(String compact, JWK root) {
    }

    record Change(Signed set, int position, int newByte) {
    }

    private static final List<Signed> SETS = List.of(sign("ES256"), sign("RS256"), sign("PS256"), sign("EdDSA"));

    private static Signed sign(String algorithm) {
        try {
            JWK root = KeyMaterial.generate(algorithm);
            List<JWK> keys = List.of(KeyMaterial.generate("ES256").toPublicJWK(), KeyMaterial.generate("RS256").toPublicJWK());
            String compact = KeySetJws.signKeySet(root, keys, Optional.of("https://auth.example"), 1_900_000_000L, 1_900_086_400L);
            KeySetJws.verifyKeySet(compact, List.of(root.toPublicJWK()), Optional.of("https://auth.example"));
            return new Signed(compact, root.toPublicJWK());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<Change> changes() {
        return Arbitraries.of(SETS).flatMap(set -> Combinators.combine(
                Arbitraries.integers().between(0, set.compact().length() - 1),
                Arbitraries.integers().between(0, 255)).as((position, value) -> new Change(set, position, value))
                .filter(c -> c.set().compact().charAt(c.position()) != c.newByte()));
    }

    @Property(tries = 1000)
    void anySingleByteChange_refused(@ForAll("changes") Change change) {
        byte[] bytes = change.set().compact().getBytes(StandardCharsets.ISO_8859_1);
        bytes[change.position()] = (byte) change.newByte();
        String changed = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThrows(KeySetJws.RefusedException.class, () -> KeySetJws.verifyKeySet(changed,
                List.of(change.set().root()), Optional.of("https://auth.example")));
    }
}
