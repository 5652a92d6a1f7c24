package io.nohop.keys.cli;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.TokenVerifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenLineProtocolTest {
    private static ECKey key;
    private static String token;

    @BeforeAll
    static void keys() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
                new JWTClaimsSet.Builder().issuer("https://iss").audience("svc").subject("alice")
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).build());
        jwt.sign(new ECDSASigner(key));
        token = jwt.serialize();
    }

    private static String[] run(String input) throws Exception {
        try (TokenVerifier verifier = TokenVerifier.builder().jwks(new JWKSet(key.toPublicJWK()).toString())
                .issuer("https://iss").audience("svc").build()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new TokenLineProtocol(verifier, 8192).run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
            String text = out.toString(StandardCharsets.UTF_8);
            return text.isEmpty() ? new String[0] : text.split("\n", -1);
        }
    }

    @Test
    void validToken_answeredValidWithKidAndClaims() throws Exception {
        String[] lines = run(token + "\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{\"valid\":true,\"kid\":\"k1\",\"claims\":{"), lines[0]);
        assertTrue(lines[0].contains("\"sub\":\"alice\""), lines[0]);
        assertEquals("", lines[1]);
    }

    @Test
    void crlfLineEnding_isNotPartOfTheToken() throws Exception {
        assertTrue(run(token + "\r\n")[0].startsWith("{\"valid\":true"));
    }

    @Test
    void trailingSpace_answeredMalformed() throws Exception {
        assertTrue(run(token + " \n")[0].startsWith("{\"valid\":false,\"error\":\"malformed\""));
    }

    @Test
    void blankLine_answeredMalformed() throws Exception {
        assertTrue(run("\n")[0].startsWith("{\"valid\":false,\"error\":\"malformed\""));
    }

    @Test
    void lastLineWithoutNewline_isAnswered() throws Exception {
        String[] lines = run("x\n" + token);
        assertEquals(3, lines.length);
        assertTrue(lines[1].startsWith("{\"valid\":true"));
    }

    @Test
    void overlongLine_answeredTooLarge_andNextLineStillAnswered() throws Exception {
        String[] lines = run("a".repeat(100_000) + "\n" + token + "\n");
        assertTrue(lines[0].startsWith("{\"valid\":false,\"error\":\"too_large\""), lines[0]);
        assertTrue(lines[1].startsWith("{\"valid\":true"), lines[1]);
    }

    @Test
    void nonAsciiLine_answeredMalformed() throws Exception {
        assertTrue(run("é.é.é\n")[0].startsWith("{\"valid\":false,\"error\":\"malformed\""));
    }

    @Test
    void everyLine_getsExactlyOneAnswer() throws Exception {
        assertEquals(4, run("a\nb\n\n").length);
    }
}
