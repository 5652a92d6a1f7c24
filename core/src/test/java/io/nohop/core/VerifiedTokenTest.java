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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Step 8: the verified token's typed view of the claims. */
class VerifiedTokenTest {
    private static final TokenVerifier VERIFIER = builder().build();

    private static VerifiedToken verify(Tokens.Obj claims) {
        return Tokens.accepted(VERIFIER, rs256(claims));
    }

    @Test
    void subject_present_returnsIt() {
        VerifiedToken t = verify(claims());
        assertEquals("alice", t.subject());
        assertTrue(t.hasSubject());
    }

    @Test
    void subject_absent_throwsNoSuchElement() {
        VerifiedToken t = verify(claims().without("sub"));
        assertFalse(t.hasSubject());
        assertThrows(NoSuchElementException.class, t::subject);
    }

    @Test
    void claim_nullName_throwsNamingIt() {
        VerifiedToken t = verify(claims());
        NullPointerException e = assertThrows(NullPointerException.class, () -> t.claim(null, String.class));
        assertEquals("name", e.getMessage());
    }

    @Test
    void issuer_returnsIss() {
        assertEquals(Optional.of(Tokens.ISSUER), verify(claims()).issuer());
    }

    @Test
    void audiences_fromString_isSingletonList() {
        assertEquals(List.of("orders"), verify(claims()).audiences());
    }

    @Test
    void audiences_fromArray_keepsOrder() {
        assertEquals(List.of("billing", "orders"), verify(claims().raw("aud", "[\"billing\",\"orders\"]")).audiences());
    }

    @Test
    void audiences_isUnmodifiable() {
        List<String> aud = verify(claims().raw("aud", "[\"billing\",\"orders\"]")).audiences();
        assertThrows(UnsupportedOperationException.class, () -> aud.add("x"));
    }

    @Test
    void expiresAt_issuedAt_notBefore_areInstants() {
        VerifiedToken t = verify(claims().num("nbf", NOW_S - 5));
        assertEquals(NOW.plusSeconds(600), t.expiresAt());
        assertEquals(Optional.of(NOW), t.issuedAt());
        assertEquals(Optional.of(NOW.minusSeconds(5)), t.notBefore());
    }

    @Test
    void issuedAtAndNotBefore_absent_areEmpty() {
        VerifiedToken t = verify(claims().without("iat"));
        assertEquals(Optional.empty(), t.issuedAt());
        assertEquals(Optional.empty(), t.notBefore());
    }

    @Test
    void id_returnsJti() {
        assertEquals(Optional.of("id-7"), verify(claims().str("jti", "id-7")).id());
        assertEquals(Optional.empty(), verify(claims()).id());
    }

    @Test
    void scopes_fromSpaceSeparatedScope_inOrder() {
        assertEquals(List.of("read", "write", "admin"),
                List.copyOf(verify(claims().str("scope", "read  write admin")).scopes()));
    }

    @Test
    void scopes_fromScpArray() {
        assertEquals(Set.of("a", "b"), verify(claims().raw("scp", "[\"a\",\"b\"]")).scopes());
    }

    @Test
    void scopes_absent_empty() {
        assertTrue(verify(claims()).scopes().isEmpty());
    }

    @Test
    void keyId_namedKid_returnsIt() {
        assertEquals(Optional.of("rsa"), verify(claims()).keyId());
    }

    @Test
    void keyId_tokenWithoutKid_returnsTheVerifyingKeysKid() {
        VerifiedToken t = Tokens.accepted(VERIFIER, sign("ES384", header("ES384", null).json(), claims().json()));
        assertEquals(Optional.of("ec384"), t.keyId());
    }

    @Test
    void algorithm_returnsHeaderAlg() {
        assertEquals("PS512", Tokens.accepted(VERIFIER, Tokens.valid("PS512")).algorithm());
    }

    @Test
    void claim_string() {
        assertEquals(Optional.of("eu"), verify(claims().str("region", "eu")).claim("region", String.class));
    }

    @Test
    void claim_integerAsLong() {
        assertEquals(Optional.of(42L), verify(claims().num("n", 42)).claim("n", Long.class));
    }

    @Test
    void claim_decimalAsDouble() {
        assertEquals(Optional.of(1.5), verify(claims().raw("d", "1.5")).claim("d", Double.class));
    }

    @Test
    void claim_boolean() {
        assertEquals(Optional.of(true), verify(claims().raw("b", "true")).claim("b", Boolean.class));
    }

    @Test
    void claim_arrayAsList() {
        @SuppressWarnings("unchecked")
        List<Object> list = verify(claims().raw("l", "[\"x\",1]")).claim("l", List.class).orElseThrow();
        assertEquals(List.of("x", 1L), list);
    }

    @Test
    void claim_objectAsMap() {
        Map<?, ?> map = verify(claims().raw("m", "{\"k\":\"v\"}")).claim("m", Map.class).orElseThrow();
        assertEquals(Map.of("k", "v"), map);
    }

    @Test
    void claim_absentOrNull_empty() {
        VerifiedToken t = verify(claims().raw("z", "null"));
        assertEquals(Optional.empty(), t.claim("z", String.class));
        assertEquals(Optional.empty(), t.claim("nope", String.class));
    }

    @Test
    void claim_wrongType_throwsIllegalArgumentNamingClaim() {
        VerifiedToken t = verify(claims().str("region", "eu"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.claim("region", Long.class));
        assertTrue(e.getMessage().contains("region"), e.getMessage());
    }

    @Test
    void claimsJson_isCompactAndKeepsMemberOrder() {
        String json = claims().str("x", "y").json();
        assertEquals(json, verify(claims().str("x", "y")).claimsJson());
    }

    @Test
    void claimNames_inTokenOrder() {
        assertEquals(List.of("iss", "sub", "aud", "iat", "exp"), List.copyOf(verify(claims()).claimNames()));
    }

    @Test
    void toString_containsNoClaimValues() {
        String s = verify(claims().str("secret", "hunter2")).toString();
        assertFalse(s.contains("hunter2") || s.contains("alice"), s);
    }
}
