package io.nohop.keys.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token from {@code nohop issue}, checked against the JWKS that {@code nohop serve} publishes by
 * nohop's own verifier and by two independent libraries: Nimbus's {@code DefaultJWTProcessor} and jose4j.
 */
class InteropIT {
    private static final String ISSUER = "https://auth.example";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void issuedToken_verifiesWithNohopNimbusAndJose4jAgainstServedJwks(String algorithm) throws Exception {
        String store = tmp.resolve("store").toString();
        assertEquals(0, NohopJar.run("init", "--store", store, "--algorithm", algorithm, "--issuer", ISSUER).status());
        Process serve = NohopJar.start(Map.of(), "serve", "--store", store, "--port", "0");
        try {
            String first = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8)).readLine();
            String jwksUrl = first.substring("listening on ".length()) + "/.well-known/jwks.json";
            NohopJar.Result issued = NohopJar.run("issue", "--store", store, "--subject", "alice", "--audience", "orders");
            assertEquals(0, issued.status(), issued.err());
            String token = issued.out().trim();

            try (TokenVerifier nohop = TokenVerifier.builder().jwksUri(URI.create(jwksUrl)).issuer(ISSUER)
                    .audience("orders").requiredType("at+jwt").build()) {
                assertTrue(nohop.awaitKeys(Duration.ofSeconds(20)));
                VerifiedToken verified = nohop.verify(token);
                assertEquals("alice", verified.subject());
            }

            if (!"EdDSA".equals(algorithm)) {
                // Nimbus verifies Ed25519 only with Google Tink on the class path; RS/PS/ES it does alone.
                JWKSource<SecurityContext> source = JWKSourceBuilder.create(URI.create(jwksUrl).toURL()).build();
                DefaultJWTProcessor<SecurityContext> nimbus = new DefaultJWTProcessor<>();
                nimbus.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
                nimbus.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.parse(algorithm), source));
                nimbus.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("orders",
                        new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "exp", "iat", "jti")));
                assertEquals("alice", nimbus.process(token, null).getSubject());
            }

            JwtConsumer jose4j = new JwtConsumerBuilder()
                    .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(jwksUrl)))
                    .setExpectedIssuer(ISSUER)
                    .setExpectedAudience("orders")
                    .setRequireExpirationTime()
                    .setRequireSubject()
                    .setExpectedType(true, "at+jwt")
                    .build();
            JwtClaims claims = jose4j.processToClaims(token);
            assertEquals("alice", claims.getSubject());
        } finally {
            serve.destroyForcibly().waitFor();
        }
    }
}
