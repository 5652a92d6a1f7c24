/**
 * nohop test kit (test scope only): a JUnit 5 extension that runs a real nohop key store, JWKS endpoint
 * and token issuer on loopback, for the tests of services that embed nohop-core.
 *
 * <p>Only {@code io.nohop.testkit} is exported. It lives beside {@code nohop-keys} because it runs that
 * module's store, endpoint and issuer; nohop-core knows nothing of them.
 */
module io.nohop.testkit {
    requires transitive io.nohop.keys;
    requires transitive io.nohop.core;
    requires transitive org.junit.jupiter.api;
    requires com.nimbusds.jose.jwt;

    exports io.nohop.testkit;
}
