package io.nohop.spring;

import com.nimbusds.jose.JWSObject;
import io.nohop.core.TokenVerifier;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tests of this module run nohop-core on the Nimbus JOSE+JWT the Spring Boot line under test brings
 * (Spring Security 6.5's 9.37.x for Boot 3.5, 7.0's 10.x for Boot 4.0), not on the version nohop-core
 * is built with: the build says which line it expects ({@code nohop.test.nimbusLine}).
 */
class NimbusVersionTest {
    @Test
    void nimbusOnTheClassPath_isTheOneSpringSecurityBrings() {
        String expected = System.getProperty("nohop.test.nimbusLine");
        assertNotNull(expected, "surefire sets nohop.test.nimbusLine");
        String actual = JWSObject.class.getPackage().getImplementationVersion();
        assertTrue(actual != null && actual.startsWith(expected), "Nimbus " + actual + ", expected " + expected + "x");
    }

    @Test
    void verifierLoadsKeysAndVerifiesOnThatNimbus() throws Exception {
        try (TestIssuer issuer = new TestIssuer();
             TokenVerifier verifier = TokenVerifier.builder().jwksUri(issuer.jwksUri()).issuer(TestIssuer.ISSUER)
                     .audience(TestIssuer.AUDIENCE).build()) {
            assertTrue(verifier.awaitKeys(Duration.ofSeconds(10)));
            assertEquals("alice", verifier.verify(issuer.rs256(TestIssuer.claims())).subject());
            assertEquals("alice", verifier.verify(issuer.es256(TestIssuer.claims())).subject());
        }
    }
}
