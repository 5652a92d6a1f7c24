/**
 * nohop keys: the security team's side — the key store, its rotation schedule, token signing and the
 * {@code nohop} command-line tool.
 *
 * <p>Only {@code io.nohop.keys} is exported; the CLI package is opened to picocli, which injects
 * options reflectively.
 */
module io.nohop.keys {
    requires com.nimbusds.jose.jwt;
    requires org.slf4j;
    requires info.picocli;

    exports io.nohop.keys;

    opens io.nohop.keys.cli to info.picocli;
}
