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
    requires java.net.http;
    requires io.nohop.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.transport;
    requires micrometer.core;
    requires micrometer.registry.prometheus;

    exports io.nohop.keys;
    exports io.nohop.keys.server;

    opens io.nohop.keys.cli to info.picocli;
}
