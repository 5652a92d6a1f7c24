package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** What must hold for every input (DESIGN.md "Testing"). Tries are kept low: RSA and EC are slow-ish. */
class VerifierPropertiesTest {
    private static final TokenVerifier VERIFIER = Tokens.builder().build();
    private static final String[] ALGS = {"RS256", "PS256", "ES256", "EdDSA"};
    private static final String[] VALID = {Tokens.valid("RS256"), Tokens.valid("PS256"), Tokens.valid("ES256"),
        Tokens.valid("EdDSA")};
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.= +/\n\u00e9";

    // ---- any single-byte change of a valid token is rejected ----

    @Property(tries = 200)
    void anyFlippedCharacter_isRejected(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 100_000) int at,
                                        @ForAll @IntRange(min = 0, max = ALPHABET_LENGTH - 1) int replacement) {
        String token = VALID[which];
        int i = at % token.length();
        char c = ALPHABET.charAt(replacement);
        if (c == token.charAt(i)) {
            c = c == 'A' ? 'B' : 'A';
        }
        String changed = token.substring(0, i) + c + token.substring(i + 1);
        assertRejected(changed);
    }

    @Property(tries = 120)
    void anyInsertedCharacter_isRejected(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 100_000) int at,
                                         @ForAll @IntRange(min = 0, max = ALPHABET_LENGTH - 1) int inserted) {
        String token = VALID[which];
        int i = at % (token.length() + 1);
        assertRejected(token.substring(0, i) + ALPHABET.charAt(inserted) + token.substring(i));
    }

    @Property(tries = 120)
    void anyDeletedCharacter_isRejected(@ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 100_000) int at) {
        String token = VALID[which];
        int i = at % token.length();
        assertRejected(token.substring(0, i) + token.substring(i + 1));
    }

    private static final int ALPHABET_LENGTH = 71; // ALPHABET.length(), as a constant for @IntRange

    private static void assertRejected(String token) {
        // Guard: a token equal to the original would be a bug in the generator, not in the verifier.
        for (String v : VALID) {
            assertNotEquals(v, token);
        }
        assertNotNull(Tokens.rejection(VERIFIER, token));
    }

    // ---- random claim sets round-trip ----

    @Provide
    Arbitrary<Object> jsonValues() {
        return value(3);
    }

    private static Arbitrary<Object> value(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(List.of(
                // A lone surrogate is not a string a token can carry (it has no UTF-8 form): excluded.
                Arbitraries.strings().ofMaxLength(12).filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c)))
                        .map(s -> (Object) s),
                Arbitraries.of("\"", "\\", "/", "\n", "\t", "\u0000", "\u2028", "\u00e9", "\ud83d\ude00").list().ofMaxSize(4)
                        .map(l -> (Object) String.join("", l)),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(b -> (Object) b)));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Object> list = value(depth - 1).list().ofMaxSize(3).map(l -> (Object) l);
        Arbitrary<Object> obj = Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), value(depth - 1))
                .ofMaxSize(3).map(m -> (Object) m);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalars), net.jqwik.api.Tuple.of(1, list), net.jqwik.api.Tuple.of(1, obj));
    }

    @Provide
    Arbitrary<Map<String, Object>> claimSets() {
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> "x_" + s), value(3))
                .ofMaxSize(5);
    }

    @Property(tries = 100)
    void randomClaims_roundTripThroughClaimAndClaimsJson(@ForAll("claimSets") Map<String, Object> custom) {
        Tokens.Obj claims = Tokens.claims();
        custom.forEach((k, v) -> claims.raw(k, json(v)));
        VerifiedToken token = Tokens.accepted(VERIFIER, Tokens.rs256(claims));
        // Same JSON value: the writer may escape characters differently from the fixture.
        assertEquals(Vectors.parseLeniently(claims.json()), Vectors.parseLeniently(token.claimsJson()),
                () -> "sent " + visible(claims.json()) + " got " + visible(token.claimsJson()));
        for (Map.Entry<String, Object> e : custom.entrySet()) {
            Object expected = e.getValue();
            Class<?> type = expected instanceof Map ? Map.class : expected instanceof List ? List.class : expected.getClass();
            assertEquals(expected, token.claim(e.getKey(), type).orElseThrow());
        }
    }

    /** Control and non-ASCII characters as \\uXXXX, so that a failure message shows them. */
    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("<%04x>", c) : String.valueOf((char) c)));
        return b.toString();
    }

    /** Compact JSON of a generated value (the same form the verifier's writer uses). */
    private static String json(Object v) {
        if (v instanceof String) {
            return Tokens.quote((String) v);
        }
        if (v instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object o : (List<?>) v) {
                parts.add(json(o));
            }
            return "[" + String.join(",", parts) + "]";
        }
        if (v instanceof Map) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                parts.add(Tokens.quote((String) e.getKey()) + ":" + json(e.getValue()));
            }
            return "{" + String.join(",", parts) + "}";
        }
        return String.valueOf(v);
    }

    // ---- random input produces only TokenRejectedException ----

    @Property(tries = 300)
    void randomStrings_onlyEverRejected(@ForAll String anything) {
        assertNotNull(Tokens.rejection(VERIFIER, anything));
    }

    @Property(tries = 300)
    void randomBase64urlSegments_onlyEverRejected(
            @ForAll("segments") String a, @ForAll("segments") String b, @ForAll("segments") String c) {
        assertNotNull(Tokens.rejection(VERIFIER, a + "." + b + "." + c));
    }

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                .ofMaxLength(60);
    }

    @Provide
    Arbitrary<Map<String, Object>> headers() {
        Arbitrary<String> names = Arbitraries.oneOf(List.of(
                Arbitraries.of("alg", "kid", "typ", "crit", "b64", "enc", "jwk", "jku", "x5u", "x5c", "zip", "cty"),
                Arbitraries.strings().alpha().ofMaxLength(4)));
        Arbitrary<Object> values = Arbitraries.oneOf(List.of(
                Arbitraries.of("RS256", "ES256", "EdDSA", "none", "HS256", "rsa", "ec256", "ed", "at+jwt")
                        .map(s -> (Object) s),
                value(2)));
        return Arbitraries.maps(names, values).ofMaxSize(5).map(m -> new LinkedHashMap<>(m));
    }

    @Property(tries = 150)
    void randomJsonHeaders_onlyEverRejectedOrSignatureChecked(@ForAll("headers") Map<String, Object> header,
                                                               @ForAll @IntRange(min = 0, max = 3) int which) {
        // Signed with a real key, so that headers which happen to be valid reach the signature and claims.
        String headerJson = json(header);
        String token = Tokens.sign(ALGS[which], headerJson, Tokens.claims().json());
        try {
            VERIFIER.verify(token);
        } catch (TokenRejectedException e) {
            assertNotNull(e.reason());
        }
    }
}
