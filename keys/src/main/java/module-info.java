/**
 * nohop keys: the security team's side — the key store, its rotation schedule, token signing and the
 * {@code nohop} command-line tool.
 *
 * <p>Only {@code io.nohop.keys} and {@code io.nohop.keys.server} (the JWKS endpoint) are exported; the CLI package is opened to picocli, which injects
 * options reflectively.
 */
module io.nohop.keys {
    requires com.nimbusds.jose.jwt;
    requires org.slf4j;
    requires info.picocli;
    requires io.nohop.core;
    requires jdk.httpserver;

    exports io.nohop.keys;
    exports io.nohop.keys.server;

    opens io.nohop.keys.cli to info.picocli;
}
