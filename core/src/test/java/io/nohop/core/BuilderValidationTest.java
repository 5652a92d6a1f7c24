package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.Security;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every setter refuses a bad value at once, naming it; build() refuses incomplete or contradictory settings. */
class BuilderValidationTest {

    private static void refused(String expectedInMessage, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedInMessage), "message should name the value: " + e.getMessage());
    }

    private static void buildRefused(String expectedInMessage, TokenVerifier.Builder b) {
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void maxTokenBytes_zero_refusedNamingValue() {
        refused("0", () -> TokenVerifier.builder().maxTokenBytes(0));
    }

    @Test
    void maxTokenBytes_overOneMebibyte_refusedNamingValue() {
        refused("1048577", () -> TokenVerifier.builder().maxTokenBytes(1024 * 1024 + 1));
    }

    @Test
    void clockSkew_negative_refusedNamingValue() {
        refused("PT-1S", () -> TokenVerifier.builder().clockSkew(Duration.ofSeconds(-1)));
    }

    @Test
    void clockSkew_overTenMinutes_refusedNamingValue() {
        refused("PT10M1S", () -> TokenVerifier.builder().clockSkew(Duration.ofSeconds(601)));
    }

    @Test
    void clockSkew_null_refused() {
        assertThrows(NullPointerException.class, () -> TokenVerifier.builder().clockSkew(null));
    }

    @Test
    void maxLifetime_zero_refusedNamingValue() {
        refused("PT0S", () -> TokenVerifier.builder().maxLifetime(Duration.ZERO));
    }

    @Test
    void maxLifetime_beyondMillisecondRange_refusedNamingValue() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE / 1000 + 1);
        refused(huge.toString(), () -> TokenVerifier.builder().maxLifetime(huge));
    }

    @Test
    void algorithms_none_refusedNamingValue() {
        refused("'none'", () -> TokenVerifier.builder().algorithms("none"));
    }

    @Test
    void algorithms_hs256_refusedNamingValue() {
        refused("'HS256'", () -> TokenVerifier.builder().algorithms("RS256", "HS256"));
    }

    @Test
    void algorithms_empty_refused() {
        refused("at least one", () -> TokenVerifier.builder().algorithms());
    }

    @Test
    void issuer_blank_refusedNamingValue() {
        refused("' '", () -> TokenVerifier.builder().issuer(" "));
    }

    @Test
    void audience_blank_refusedNamingValue() {
        refused("''", () -> TokenVerifier.builder().audience("orders", ""));
    }

    @Test
    void audience_noValues_refused() {
        refused("at least one", () -> TokenVerifier.builder().audience());
    }

    @Test
    void requiredType_blank_refused() {
        refused("type", () -> TokenVerifier.builder().requiredType(""));
    }

    @Test
    void requireClaims_blankName_refused() {
        refused("claim name", () -> TokenVerifier.builder().requireClaims("sub", " "));
    }

    @Test
    void jwks_notAKeySet_refused() {
        refused("unusable key set", () -> TokenVerifier.builder().jwks("{\"kty\":\"RSA\"}"));
    }

    @Test
    void jwksUri_relative_refusedNamingValue() {
        refused("/jwks.json", () -> TokenVerifier.builder().jwksUri(URI.create("/jwks.json")));
    }

    @Test
    void jwksUri_ftp_refusedNamingValue() {
        refused("ftp://keys.example/jwks", () -> TokenVerifier.builder().jwksUri(URI.create("ftp://keys.example/jwks")));
    }

    @Test
    void waitForUnknownKid_overTenSeconds_refusedNamingValue() {
        refused("PT11S", () -> TokenVerifier.builder().waitForUnknownKid(Duration.ofSeconds(11)));
    }

    @Test
    void maxJwksBytes_tooSmall_refusedNamingValue() {
        refused("100", () -> TokenVerifier.builder().maxJwksBytes(100));
    }

    @Test
    void build_noKeys_refused() {
        buildRefused("no keys", TokenVerifier.builder().issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE));
    }

    @Test
    void build_noIssuer_refused() {
        buildRefused("no issuer", TokenVerifier.builder().jwks(Tokens.JWKS).audience(Tokens.AUDIENCE));
    }

    @Test
    void build_noAudience_refused() {
        buildRefused("no audience", TokenVerifier.builder().jwks(Tokens.JWKS).issuer(Tokens.ISSUER));
    }

    @Test
    void build_issuerAndAnyIssuer_refusedAsContradiction() {
        buildRefused("contradict", Tokens.builder().allowAnyIssuer());
    }

    @Test
    void build_audienceAndAnyAudience_refusedAsContradiction() {
        buildRefused("contradict", Tokens.builder().allowAnyAudience());
    }

    @Test
    void build_minRefreshAboveMaxRefresh_refused() {
        buildRefused("minRefreshInterval", Tokens.builder().minRefreshInterval(Duration.ofHours(2)));
    }

    @Test
    void build_maxStalenessBelowMaxRefresh_refused() {
        buildRefused("maxStaleness", Tokens.builder().maxStaleness(Duration.ofMinutes(30)));
    }

    @Test
    void build_defaults_succeeds() {
        TokenVerifier v = Tokens.builder().build();
        v.close();
    }

    private static void setTwiceRefused(String expectedInMessage, Executable secondCall) {
        IllegalStateException e = assertThrows(IllegalStateException.class, secondCall);
        assertTrue(e.getMessage().contains(expectedInMessage), "message should name the old value: " + e.getMessage());
    }

    @Test
    void clockSkew_setTwice_refusedNamingTheValueAlreadySet() {
        TokenVerifier.Builder b = TokenVerifier.builder().clockSkew(Duration.ofSeconds(30));
        setTwiceRefused("clockSkew was already set to PT30S", () -> b.clockSkew(Duration.ofSeconds(60)));
    }

    @Test
    void maxTokenBytes_setTwice_refusedNamingTheValueAlreadySet() {
        TokenVerifier.Builder b = TokenVerifier.builder().maxTokenBytes(4096);
        setTwiceRefused("maxTokenBytes was already set to 4096", () -> b.maxTokenBytes(4096));
    }

    @Test
    void algorithms_setTwice_refused() {
        TokenVerifier.Builder b = TokenVerifier.builder().algorithms("RS256");
        setTwiceRefused("algorithms was already set to [RS256]", () -> b.algorithms("ES256"));
    }

    @Test
    void listener_setTwice_refusedPointingToCombine() {
        TokenVerifier.Builder b = TokenVerifier.builder().listener(new VerifierListener() { });
        setTwiceRefused("VerifierListener.combine", () -> b.listener(new VerifierListener() { }));
    }

    @Test
    void allowAnyAudience_calledTwice_refused() {
        TokenVerifier.Builder b = TokenVerifier.builder().allowAnyAudience();
        setTwiceRefused("allowAnyAudience was already set to true", b::allowAnyAudience);
    }

    @Test
    void issuerAndAudience_calledSeveralTimes_addUp() throws Exception {
        try (TokenVerifier v = TokenVerifier.builder().jwks(Tokens.JWKS).clock(Tokens.CLOCK)
                .issuer("https://other.example").issuer(Tokens.ISSUER)
                .audience("billing").audience(Tokens.AUDIENCE).build()) {
            Tokens.accepted(v, Tokens.valid("RS256"));
        }
    }

    // ---- crypto provider (issue 14) ----

    @Test
    void cryptoProvider_null_refused() {
        assertThrows(NullPointerException.class, () -> TokenVerifier.builder().cryptoProvider(null));
    }

    @Test
    void cryptoProvider_setTwice_refused() {
        TokenVerifier.Builder b = TokenVerifier.builder().cryptoProvider(Security.getProvider("SunEC"));
        setTwiceRefused("cryptoProvider was already set to SunEC", () -> b.cryptoProvider(Security.getProvider("SunEC")));
    }

    @Test
    void preferNativeCrypto_calledTwice_refused() {
        TokenVerifier.Builder b = TokenVerifier.builder().preferNativeCrypto();
        setTwiceRefused("preferNativeCrypto was already set to true", b::preferNativeCrypto);
    }

    @Test
    void cryptoProviderAndPreferNativeCrypto_refusedByBuild() {
        buildRefused("contradict", Tokens.builder().cryptoProvider(Security.getProvider("SunEC")).preferNativeCrypto());
    }

    @Test
    void cryptoProvider_lackingAnAllowedAlgorithm_refusedByBuildNamingWhat() {
        // SunEC checks ECDSA and Ed25519, not RSA: with the default allowlist the build names what is missing.
        buildRefused("RS256 (Cipher RSA/ECB/NoPadding)",
                Tokens.builder().cryptoProvider(Security.getProvider("SunEC")));
    }

    @Test
    void cryptoProvider_lackingRawRsa_psAlgorithmRefusedByBuildNamingTheCipher() {
        // PS* is checked by nohop on the provider's raw RSA, like RS*: a provider without it cannot check PS256.
        buildRefused("PS256 (Cipher RSA/ECB/NoPadding)",
                Tokens.builder().algorithms("PS256", "ES256").cryptoProvider(Security.getProvider("SunEC")));
    }

    @Test
    void cryptoProvider_coveringTheAllowlist_verifiesWithIt() {
        try (TokenVerifier v = TokenVerifier.builder().jwks(Tokens.JWKS).issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE)
                .clock(Tokens.CLOCK).algorithms("ES256", "EdDSA").cryptoProvider(Security.getProvider("SunEC")).build()) {
            assertEquals(java.util.Set.of("ES256", "EdDSA"), v.signatureProviders().keySet());
            v.signatureProviders().values().forEach(p -> assertTrue(p.startsWith("SunEC "), p));
            Tokens.accepted(v, Tokens.valid("ES256"));
            Tokens.accepted(v, Tokens.valid("EdDSA"));
        }
    }
}
