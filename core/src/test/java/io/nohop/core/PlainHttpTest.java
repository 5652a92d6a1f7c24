package io.nohop.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The builder decides where plain http may go, by address: loopback only, unless unsafeAllowPlainHttp().
 * Port 9 (discard) everywhere: the background fetch of an accepted URI fails quietly.
 */
class PlainHttpTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example:9/jwks", "http://127.0.0.1.evil.example:9/jwks",
        "http://localhost.evil.example:9/jwks", "http://keys.example:9/jwks"})
    void build_plainHttpToAHostThatIsNotLoopback_refusedNamingTheEscapeHatch(String uri) {
        TokenVerifier.Builder builder = TokenVerifier.builder().jwksUri(URI.create(uri)).issuer("i").audience("a");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertTrue(e.getMessage().contains("unsafeAllowPlainHttp()"), e.getMessage());
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example:9", "http://keys.example:9"})
    void build_trustedOrDiscoveredIssuerOverPlainHttpToAHostThatIsNotLoopback_refused(String base) {
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.builder()
                .trustIssuer("https://auth.example", URI.create(base + "/jwks")).audience("a").build());
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.builder()
                .discoverIssuer(base).audience("a").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9/jwks", "http://127.1.2.3:9/jwks", "http://[::1]:9/jwks",
        "http://localhost:9/jwks"})
    void build_plainHttpToLoopback_accepted(String uri) {
        TokenVerifier.builder().jwksUri(URI.create(uri)).issuer("i").audience("a").build().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example:9/jwks", "http://keys.example:9/jwks"})
    void build_plainHttpToAnyHostWithTheEscapeHatch_accepted(String uri) {
        TokenVerifier.builder().jwksUri(URI.create(uri)).unsafeAllowPlainHttp().issuer("i").audience("a").build()
                .close();
    }
}
