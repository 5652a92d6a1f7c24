package io.nohop.core.internal.refresh;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain http only to loopback, decided by address: a name that merely starts like one is a name. */
class EndpointUriRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/jwks", "http://127.1.2.3:8080/jwks", "http://127.255.255.255/",
        "http://[::1]/jwks", "http://[0:0:0:0:0:0:0:1]:9/jwks", "http://localhost/jwks", "http://LOCALHOST:80/",
        "https://keys.example/jwks", "https://127.evil.example/jwks"})
    void allows_httpsOrPlainHttpToLoopback(String uri) {
        assertTrue(EndpointUriRule.allows(URI.create(uri), false), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.evil.example/jwks", "http://127.0.0.1.evil.example/", "http://127.0.0.1./",
        "http://localhost.evil.example/", "http://evil-localhost/", "http://127.1/", "http://0177.0.0.1/",
        "http://127.000.0.1/", "http://127.0.0.256/", "http://128.0.0.1/", "http://10.0.0.1/", "http://[::2]/",
        "http://[::ffff:10.0.0.1]/", "http://keys.example/jwks", "ftp://127.0.0.1/jwks", "http://user@keys.example/"})
    void refuses_plainHttpToAnythingElse(String uri) {
        assertFalse(EndpointUriRule.allows(URI.create(uri), false), uri);
    }

    @Property(tries = 300)
    void aDnsNameIsNeverLoopbackWhateverItStartsWith(@ForAll("namesLookingLikeLoopback") String host) {
        assertFalse(EndpointUriRule.allows(URI.create("http://" + host + "/jwks"), false), host);
    }

    @Provide
    Arbitrary<String> namesLookingLikeLoopback() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> prefix = Arbitraries.of("127.", "127.0.", "127.0.0.", "127.0.0.1.", "localhost.", "");
        return net.jqwik.api.Combinators.combine(prefix, label, Arbitraries.of(".example", ".test", ""))
                .as((p, l, tld) -> p + l + tld);
    }

    @Property(tries = 200)
    void unsafeAllowPlainHttpAllowsAnyHttpHost(@ForAll("namesLookingLikeLoopback") String host) {
        assertTrue(EndpointUriRule.allows(URI.create("http://" + host + "/jwks"), true), host);
    }
}
