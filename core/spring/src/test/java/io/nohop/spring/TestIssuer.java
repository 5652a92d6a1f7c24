package io.nohop.spring;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token issuer for tests: an RSA and an EC key, their JWKS served on 127.0.0.1 (port 0) by the JDK's
 * HTTP server, and tokens signed with Nimbus from raw JSON, so every claim is under the test's control.
 */
public final class TestIssuer implements AutoCloseable {
    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "orders";

    public final RSAKey rsa;
    public final ECKey ec;
    private final HttpServer server;
    private volatile String jwks;
    public final AtomicInteger fetches = new AtomicInteger();
    /** The Nohop-Instance header of the latest key-set fetch ("" if it sent none). */
    public volatile String lastInstance = "";

    public TestIssuer() {
        try {
            rsa = new RSAKeyGenerator(2048).keyID("rsa-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
            ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
            publish(rsa, ec);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            String instance = exchange.getRequestHeaders().getFirst("Nohop-Instance");
            lastInstance = instance == null ? "" : instance;
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "public, max-age=300");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Serves the public parts of these keys from now on. */
    public void publish(JWK... keys) {
        jwks = new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    public URI jwksUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
    }

    public String jwksJson() {
        return jwks;
    }

    /** Claims every default verifier accepts: this issuer, the audience, alice, issued now, 5 minutes to live. */
    public static String claims(String... extraRawMembers) {
        long now = Instant.now().getEpochSecond();
        StringBuilder json = new StringBuilder("{\"iss\":\"" + ISSUER + "\",\"sub\":\"alice\",\"aud\":\"" + AUDIENCE
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 300));
        for (int i = 0; i < extraRawMembers.length; i += 2) {
            json.append(",\"").append(extraRawMembers[i]).append("\":").append(extraRawMembers[i + 1]);
        }
        return json.append('}').toString();
    }

    public String rs256(String claimsJson) {
        return sign(rsa, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claimsJson);
    }

    public String rs256(String claimsJson, String typ) {
        return sign(rsa, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).type(new JOSEObjectType(typ))
                .build(), claimsJson);
    }

    public String es256(String claimsJson) {
        return sign(ec, new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claimsJson);
    }

    public static String sign(JWK key, JWSHeader header, String claimsJson) {
        try {
            JWSSigner signer = key instanceof RSAKey ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
            JWSObject jws = new JWSObject(header, new Payload(claimsJson));
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
