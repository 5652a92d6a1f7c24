package io.nohop.keys.cli;

import io.nohop.keys.SigningKeyStore;
import io.nohop.keys.StoreException;
import io.nohop.keys.server.JwksServer;
import io.nohop.keys.server.StorePublication;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the public keys over HTTP (the JWKS endpoint).",
            "Answers GET and HEAD on /.well-known/jwks.json (with a strong ETag, 304 on If-None-Match, and"
                + " Cache-Control max-age), /.well-known/openid-configuration (when the store has an issuer)"
                + " and /healthz, and /.well-known/jwks.jwt: the signed key set (application/jwk-set+jwt); both"
                + " key documents hold exactly its keys. Nothing on the wire can change keys. With --admin-bind,"
                + " GET /status and /metrics are served on a second listener. The first line on stdout is"
                + " 'listening on http://HOST:PORT'. Changes other processes make to the store are served within"
                + " a second: rotate, revoke, and rotate --if-due, which re-signs the set once a key reaches its"
                + " removal time (until then the key stays published: run it from cron). A store that cannot be"
                + " read keeps the last good publication in service (/healthz: stale) and says why on stderr."
                + " Each connection is bounded: its request head within 10 s, idle at most 30 s, header fields"
                + " 8 KiB (else 431), request line 4 KiB (else 414), a request with a body answered and closed;"
                + " at most 10,000 connections. Runs until stopped (SIGTERM or Ctrl-C); put a"
                + " TLS terminator in front of it for verifiers on other hosts."})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    NohopCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every IPv4 interface, :: for every interface).")
    String bind;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "Port to listen on (default: 0, any free port; the first stdout line says which).")
    int port;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "The URL verifiers reach this server at, for jwks_uri (default: the bound address).")
    String publicUrl;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Cache-Control max-age of the JWKS (default: the smaller of 5m and half the store's refresh bound R).")
    Duration maxAge;

    @Option(names = "--admin-bind", paramLabel = "ADDR:PORT",
            description = {"Also listen here for GET /status and GET /metrics (off by default; never on the public",
                "listener). A bare :PORT or PORT binds loopback; port 0 picks a free port. The second stdout line",
                "is then 'admin on http://HOST:PORT'."})
    String adminBind;

    @Override
    public Integer call() throws StoreException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535: " + port);
        }
        CliContext context = parent.context;
        SigningKeyStore opened = SigningKeyStore.open(store.folder(), context.clock);
        Duration r = opened.config().refreshBound();
        Duration age = maxAge != null ? maxAge : min(Duration.ofMinutes(5), r.dividedBy(2));
        JwksServer.Settings settings = new JwksServer.Settings().clock(context.clock)
                // The jar logs nowhere (slf4j-nop): an operator reads why /healthz says stale here.
                .reloadProblems(line -> {
                    context.err.println("nohop: serve: " + line);
                    context.err.flush();
                });
        try {
            settings.maxAge(age);
            if (publicUrl != null) {
                settings.publicUrl(publicUrl);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind: unknown address '" + bind + "'");
        }
        settings.publishLead(opened.config().publishLead());
        if (adminBind != null) {
            settings.adminAddress(AdminAddress.parse(adminBind, spec.commandLine(), "--admin-bind"));
        }
        JwksServer server;
        try {
            server = JwksServer.start(new InetSocketAddress(address, port), StorePublication.of(store.folder(), context.clock), settings);
        } catch (IOException e) {
            // The admin listener's failure names its own address (JwksServer says "admin listener ADDR:PORT: ...").
            String where = e.getMessage() != null && e.getMessage().startsWith("admin listener ") ? "" : bind + ":" + port + ": ";
            throw new StoreException("cannot listen on " + where + FileProblem.reason(e), e);
        } catch (StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("cannot start: " + NohopCommand.oneLine(e.getMessage()), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(Duration.ofSeconds(1));
            stopped.countDown();
        }, "nohop-shutdown"));
        context.out.println("listening on " + server.boundUrl());
        server.adminUrl().ifPresent(url -> context.out.println("admin on " + url));
        context.out.flush();
        if (publicUrl == null && address.isAnyLocalAddress() && opened.config().issuer().isPresent()) {
            // jwks_uri defaults to the bound address, and a wildcard is no address a verifier elsewhere can reach.
            context.err.println("nohop: serve: /.well-known/openid-configuration names " + server.boundUrl()
                    + JwksServer.JWKS_PATH + " as jwks_uri (the bound address); give --public-url with the URL"
                    + " verifiers reach this server at");
            context.err.flush();
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        return 0;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

}
