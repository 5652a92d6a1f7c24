/**
 * nohop core: verify signed JWTs in-process against cached public keys.
 *
 * <p>Only {@code io.nohop.core} (and the optional Micrometer binder and Servlet filter) is exported; everything else
 * is implementation that users need not see and that may change between releases.
 */
module io.nohop.core {
    requires com.nimbusds.jose.jwt;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires java.net.http;
    requires static micrometer.core;
    requires static org.jspecify;
    requires static jakarta.servlet;
    // Optional crypto (issue 14): BouncyCastle's pure-Java Ed25519 when bcprov is present; the Amazon Corretto
    // Crypto Provider only when a verifier asks for native crypto. Neither is loaded otherwise.
    requires static org.bouncycastle.provider;
    requires static com.amazon.corretto.crypto.provider;

    exports io.nohop.core;
    exports io.nohop.core.micrometer;
    exports io.nohop.core.servlet;
}
