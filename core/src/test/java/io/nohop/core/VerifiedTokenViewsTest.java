package io.nohop.core;

import static io.nohop.core.Tokens.NOW;
import static io.nohop.core.Tokens.NOW_S;
import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.header;
import static io.nohop.core.Tokens.rs256;
import static io.nohop.core.Tokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * {@link VerifiedToken#claims()}, {@link VerifiedToken#header()} and {@link VerifiedToken#scopes()}: the
 * views a framework adapter (Spring Security's {@code Jwt}) is built from. The Java types are those
 * Spring's {@code NimbusJwtDecoder} gives; {@link VerifiedTokenNimbusParityPropertyTest} checks them
 * against Nimbus itself for generated claims.
 */
class VerifiedTokenViewsTest {
    private static final TokenVerifier VERIFIER = builder().build();

    private static VerifiedToken verify(Tokens.Obj claims) {
        return Tokens.accepted(VERIFIER, rs256(claims));
    }

    // ---- scopes ----

    @Test
    void scopes_scopeClaimIsAnArray_returnsEachString() {
        // What Spring Authorization Server writes; empty on nohop 0.1's first cut.
        VerifiedToken t = verify(claims().raw("scope", "[\"orders.read\",\"orders.write\"]"));
        assertEquals(List.of("orders.read", "orders.write"), List.copyOf(t.scopes()));
    }

    @Test
    void scopes_scpClaimIsAString_splitsOnSpaces() {
        assertEquals(List.of("a", "b"), List.copyOf(verify(claims().str("scp", "a b")).scopes()));
    }

    @Test
    void scopes_bothClaims_scopeWinsAsInSpring() {
        VerifiedToken t = verify(claims().str("scope", "from-scope").raw("scp", "[\"from-scp\"]"));
        assertEquals(Set.of("from-scope"), t.scopes());
    }

    @Test
    void scopes_scopeIsNull_scpIsRead() {
        assertEquals(Set.of("x"), verify(claims().raw("scope", "null").raw("scp", "[\"x\"]")).scopes());
    }

    @Test
    void scopes_arrayWithNonStrings_keepsOnlyTheStrings() {
        assertEquals(List.of("a", "b"), List.copyOf(verify(claims().raw("scope", "[\"a\",1,null,{},\"b\",\"a\"]")).scopes()));
    }

    @Test
    void scopes_scopeOfAnotherType_isEmpty() {
        assertTrue(verify(claims().num("scope", 7).str("scp", "ignored")).scopes().isEmpty());
    }

    // ---- claims() ----

    @Test
    void claims_numericDates_areInstantsToTheMillisecond() {
        VerifiedToken t = verify(claims().num("nbf", NOW_S - 5).raw("exp", (NOW_S + 600) + ".25"));
        Map<String, Object> c = t.claims();
        assertEquals(NOW.plusSeconds(600).plusMillis(250), c.get("exp"));
        assertEquals(NOW, c.get("iat"));
        assertEquals(NOW.minusSeconds(5), c.get("nbf"));
    }

    @Test
    void claims_audAsString_isAOneElementList() {
        assertEquals(List.of("orders"), verify(claims()).claims().get("aud"));
    }

    @Test
    void claims_audAsArray_isTheList() {
        assertEquals(List.of("billing", "orders"),
                verify(claims().raw("aud", "[\"billing\",\"orders\"]")).claims().get("aud"));
    }

    @Test
    void claims_integers_areLongs() {
        Map<String, Object> c = verify(claims().raw("n", "42").raw("neg", "-9223372036854775808")).claims();
        assertEquals(42L, c.get("n"));
        assertEquals(Long.MIN_VALUE, c.get("neg"));
    }

    @Test
    void claims_otherNumbers_areDoubles() {
        Map<String, Object> c = verify(claims().raw("f", "1.5").raw("one", "1.0").raw("e", "1e2")
                .raw("big", "9223372036854775808")).claims();
        assertEquals(1.5, c.get("f"));
        assertEquals(1.0, c.get("one"));
        assertEquals(100.0, c.get("e"));
        assertEquals(9.223372036854775808E18, c.get("big"));
    }

    @Test
    void claims_numberBeyondDoubleRange_staysAnExactBigDecimal() {
        Object huge = verify(claims().raw("huge", "1e999999999")).claims().get("huge");
        assertEquals(new BigDecimal("1e999999999"), huge);
    }

    @Test
    void claims_stringsBooleansArraysObjects_keepTheirJsonShape() {
        Map<String, Object> c = verify(claims().str("s", "x").raw("b", "false")
                .raw("l", "[\"x\",1,2.5,true,[],{\"k\":\"v\"}]").raw("m", "{\"a\":{\"b\":[1]}}")).claims();
        assertEquals("x", c.get("s"));
        assertEquals(false, c.get("b"));
        assertEquals(List.of("x", 1L, 2.5, true, List.of(), Map.of("k", "v")), c.get("l"));
        assertEquals(Map.of("a", Map.of("b", List.of(1L))), c.get("m"));
    }

    @Test
    void claims_jsonNullMembers_areLeftOutAtEveryLevel() {
        Map<String, Object> c = verify(claims().raw("z", "null").raw("m", "{\"k\":null,\"v\":1}")).claims();
        assertFalse(c.containsKey("z"));
        assertEquals(Map.of("v", 1L), c.get("m"));
    }

    @Test
    void claims_jsonNullInAnArray_isANullElement() {
        List<?> l = assertInstanceOf(List.class, verify(claims().raw("l", "[1,null,2]")).claims().get("l"));
        assertEquals(Arrays.asList(1L, null, 2L), l);
        assertNull(l.get(1));
    }

    @Test
    void claims_keepTokenOrderAndHoldEveryClaim() {
        assertEquals(List.of("iss", "sub", "aud", "iat", "exp", "x"),
                List.copyOf(verify(claims().str("x", "y")).claims().keySet()));
    }

    @Test
    void claims_areUnmodifiableAtEveryLevel() {
        Map<String, Object> c = verify(claims().raw("l", "[1]").raw("m", "{\"k\":1}")).claims();
        assertThrows(UnsupportedOperationException.class, () -> c.put("x", "y"));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) c.get("l")).clear());
        assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) c.get("m")).clear());
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) c.get("aud")).clear());
    }

    @Test
    void claims_calledTwice_returnsTheSameView() {
        VerifiedToken t = verify(claims());
        assertSame(t.claims(), t.claims());
    }

    // ---- header() ----

    @Test
    void header_keepsAlgKidTypAndOtherParameters() {
        String token = sign("RS256", header("RS256", "rsa").str("typ", "at+jwt").raw("n", "3").raw("x5c", "[\"AAAA\"]")
                .json(), claims().json());
        Map<String, Object> h = Tokens.accepted(VERIFIER, token).header();
        assertEquals(Map.of("alg", "RS256", "kid", "rsa", "typ", "at+jwt", "n", 3L, "x5c", List.of("AAAA")), h);
        assertEquals(List.of("alg", "kid", "typ", "n", "x5c"), List.copyOf(h.keySet()));
    }

    @Test
    void header_tokenWithoutKid_hasNoKidEvenThoughKeyIdNamesTheKey() {
        VerifiedToken t = Tokens.accepted(VERIFIER, sign("ES384", header("ES384", null).json(), claims().json()));
        assertEquals(Map.of("alg", "ES384"), t.header());
        assertEquals("ec384", t.keyId().orElseThrow());
    }

    @Test
    void header_isUnmodifiable() {
        Map<String, Object> h = verify(claims()).header();
        assertThrows(UnsupportedOperationException.class, () -> h.put("alg", "none"));
    }

    @Test
    void claims_resultCacheHit_givesTheSameViews() throws TokenRejectedException {
        try (TokenVerifier cached = builder().resultCache(10).build()) {
            String token = rs256(claims().raw("scope", "[\"a\"]"));
            VerifiedToken first = cached.verify(token);
            VerifiedToken second = cached.verify(token);
            assertEquals(first.claims(), second.claims());
            assertEquals(Instant.class, second.claims().get("exp").getClass());
            assertEquals(Set.of("a"), second.scopes());
        }
    }
}
