package io.nohop.spring.interop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spring Authorization Server 1.5 (Spring Boot 3.5's auto-configuration), in this JVM on 127.0.0.1 with
 * a port of its own, issuing {@code client_credentials} access tokens. Its key set is mutable (keys can
 * be published, made the signing key and unpublished while it runs), and a token customizer gives each
 * client what the tests need:
 * <ul>
 *   <li>{@code orders-client}: nothing customised: RS256, {@code aud} = the client id (Spring
 *       Authorization Server's default), {@code scope} as a JSON array;</li>
 *   <li>{@code multi-client}: {@code aud} = ["orders-api", "billing-api"];</li>
 *   <li>{@code billing-client}: {@code aud} = ["billing-api"] (not for the resource server under test);</li>
 *   <li>{@code typed-client}: {@code typ: at+jwt} (RFC 9068), {@code aud} = "orders-api";</li>
 *   <li>{@code ec-client}: ES256, {@code aud} = "orders-api".</li>
 * </ul>
 */
final class SpringAuthorizationServer implements AutoCloseable {
    static final List<String> CLIENTS = List.of("orders-client", "multi-client", "billing-client", "typed-client", "ec-client");

    /** What the issuer publishes and which keys sign; read by the issuer on every request. */
    static final class Keys {
        private volatile List<JWK> published;
        private volatile String rsaSigner;
        private volatile String ecSigner;

        Keys(RSAKey rsa, ECKey ec) {
            published = List.of(rsa, ec);
            rsaSigner = rsa.getKeyID();
            ecSigner = ec.getKeyID();
        }

        /** Serves exactly these keys (private parts stay in the issuer; /oauth2/jwks shows public ones). */
        void publish(JWK... keys) {
            published = List.of(keys);
        }

        /** Publishes one more key without changing the signing keys (pre-publication). */
        void add(JWK key) {
            List<JWK> next = new ArrayList<>(published);
            next.add(key);
            published = List.copyOf(next);
        }

        void signRsaWith(RSAKey key) {
            rsaSigner = key.getKeyID();
        }
    }

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Keys keys;
    final String issuer;

    private static Keys current;

    SpringAuthorizationServer(Keys keys) {
        this.keys = keys;
        synchronized (SpringAuthorizationServer.class) {
            current = keys;
            List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
                    "spring.main.banner-mode=off"));
            for (String client : CLIENTS) {
                String p = "spring.security.oauth2.authorizationserver.client." + client + ".registration.";
                properties.add(p + "client-id=" + client);
                properties.add(p + "client-secret={noop}secret-of-" + client);
                properties.add(p + "client-authentication-methods=client_secret_basic");
                properties.add(p + "authorization-grant-types=client_credentials");
                properties.add(p + "scopes=orders.read,orders.write");
            }
            context = new SpringApplicationBuilder(Issuer.class).web(WebApplicationType.SERVLET)
                    .properties(properties.toArray(String[]::new)).run();
        }
        issuer = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    static RSAKey newRsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey newEcKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    URI jwksUri() {
        return URI.create(issuer + "/oauth2/jwks");
    }

    /** A client_credentials access token for {@code client}, with both scopes. */
    String token(String client) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((client + ":secret-of-" + client).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=orders.read%20orders.write"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 200 || !token.find()) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        return token.group(1);
    }

    /** The signature part of a fresh token of {@code client}. */
    String tokenSignatureOf(String client) {
        try {
            String token = token(client);
            return token.substring(token.lastIndexOf('.') + 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(issuer + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        context.close();
    }

    /** The issuer application: Spring Boot's authorization-server auto-configuration, our keys and customizer. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Issuer {
        private final Keys keys = current;

        @Bean
        JWKSource<SecurityContext> jwkSource() {
            return (selector, context) -> selector.select(new JWKSet(keys.published));
        }

        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> perClient() {
            return context -> {
                if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                    return;
                }
                String client = context.getRegisteredClient().getClientId();
                switch (client) {
                    case "ec-client" -> context.getJwsHeader().algorithm(SignatureAlgorithm.ES256).keyId(keys.ecSigner);
                    default -> context.getJwsHeader().keyId(keys.rsaSigner);
                }
                switch (client) {
                    case "multi-client" -> context.getClaims().audience(List.of("orders-api", "billing-api"));
                    case "billing-client" -> context.getClaims().audience(List.of("billing-api"));
                    case "typed-client" -> {
                        context.getJwsHeader().type("at+jwt");
                        context.getClaims().audience(List.of("orders-api"));
                    }
                    case "ec-client" -> context.getClaims().audience(List.of("orders-api"));
                    default -> { }
                }
            };
        }

    }
}
