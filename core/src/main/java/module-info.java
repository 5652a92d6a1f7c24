/**
 * nohop core: verify signed JWTs in-process against cached public keys.
 *
 * <p>Only {@code io.nohop.core} (and the optional Micrometer binder and Servlet filter) is exported; everything else
 * is implementation that users need not see and that may change between releases (the strict JSON reader is
 * exported to nohop's own key tool alone).
 */
// "module": io.nohop.keys, the target of the one qualified export, is built after this module, not before it.
@SuppressWarnings("module")
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
    // To the key tool only: its issue --claim-json reads claims with the verifier's own strict JSON rules (duplicate
    // members refused at any depth), so that it cannot mint a claim the verifier would read otherwise or refuse.
    exports io.nohop.core.internal.json to io.nohop.keys;
}
