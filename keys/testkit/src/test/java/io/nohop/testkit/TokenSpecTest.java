package io.nohop.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSpecTest {

    @Test
    void forSubject_startsWithTheDocumentedDefaults() {
        TokenSpec spec = TokenSpec.forSubject("alice");

        assertEquals("alice", spec.subject());
        assertEquals(List.of(), spec.audiences());
        assertEquals(List.of(), spec.scopes());
        assertEquals(Map.of(), spec.claims());
        assertEquals(TokenSpec.DEFAULT_LIFETIME, spec.lifetime());
    }

    @Test
    void withMethods_returnANewSpec_andLeaveTheOriginalAsItWas() {
        TokenSpec original = TokenSpec.forSubject("alice");

        TokenSpec changed = original.withAudiences("orders").withScopes("read").withClaim("tenant", "acme")
                .withLifetime(Duration.ofMinutes(1));

        assertEquals(TokenSpec.forSubject("alice"), original);
        assertNotEquals(original, changed);
        assertEquals(List.of("orders"), changed.audiences());
        assertEquals(List.of("read"), changed.scopes());
        assertEquals(Map.of("tenant", "acme"), changed.claims());
        assertEquals(Duration.ofMinutes(1), changed.lifetime());
    }

    @Test
    void withClaim_copiesListsAndMaps_soLaterChangesByTheCallerDoNotLeakIn() {
        List<Object> roles = new ArrayList<>(List.of("admin"));

        TokenSpec spec = TokenSpec.forSubject("alice").withClaim("roles", roles);
        roles.add("root");

        assertEquals(List.of("admin"), spec.claims().get("roles"));
        assertThrows(UnsupportedOperationException.class, () -> spec.claims().put("x", "y"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "sub", "aud", "iat", "exp", "nbf", "jti", "scope"})
    void withClaim_aClaimTheKitSets_isRefusedNamingIt(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenSpec.forSubject("alice").withClaim(name, "x"));

        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void withClaim_aValueThatIsNotJson_isRefusedNamingTheClaimAndType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenSpec.forSubject("alice").withClaim("when", java.time.Instant.EPOCH));

        assertTrue(e.getMessage().contains("when") && e.getMessage().contains("java.time.Instant"), e.getMessage());
    }

    @Test
    void withClaim_aNonFiniteNumberOrNull_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> TokenSpec.forSubject("a").withClaim("n", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> TokenSpec.forSubject("a").withClaim("n", null));
        assertThrows(IllegalArgumentException.class,
                () -> TokenSpec.forSubject("a").withClaim("n", List.of(Double.POSITIVE_INFINITY)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blankSubjectAudienceOrScope_isRefused(String blank) {
        assertThrows(IllegalArgumentException.class, () -> TokenSpec.forSubject(blank));
        assertThrows(IllegalArgumentException.class, () -> TokenSpec.forSubject("a").withAudiences(blank));
        assertThrows(IllegalArgumentException.class, () -> TokenSpec.forSubject("a").withScopes(blank));
    }

    @Test
    void withScopes_aScopeWithASpace_isRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenSpec.forSubject("a").withScopes("orders read"));

        assertTrue(e.getMessage().contains("'orders read'"), e.getMessage());
    }

    @Test
    void withAudiences_none_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> TokenSpec.forSubject("a").withAudiences());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT0.5S", "PT1.5S", "PT24H1S", "PT-1S"})
    void withLifetime_outOfRangeOrNotWholeSeconds_isRefusedNamingIt(String lifetime) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenSpec.forSubject("a").withLifetime(Duration.parse(lifetime)));

        assertTrue(e.getMessage().contains(lifetime), e.getMessage());
    }

    @Test
    void withLifetime_theBounds_areAccepted() {
        assertEquals(Duration.ofSeconds(1), TokenSpec.forSubject("a").withLifetime(Duration.ofSeconds(1)).lifetime());
        assertEquals(TokenSpec.MAX_LIFETIME, TokenSpec.forSubject("a").withLifetime(TokenSpec.MAX_LIFETIME).lifetime());
    }
}
