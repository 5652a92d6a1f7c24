package io.nohop.examples.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.text.ParseException;
import java.util.Date;
import java.util.Set;

/**
 * Nimbus on the EdDSA token, the way its documentation verifies Ed25519 (with Google Tink on the class
 * path): parse the {@code SignedJWT}, check the signature with an {@code Ed25519Verifier} made once from
 * the OKP JWK, then the claims. {@code DefaultJWTProcessor}'s key selector cannot turn an Ed25519 JWK into
 * a Java key, so this is the peer for issue 14's "EdDSA on the JDK alone not slower than Nimbus + Tink".
 */
@State(Scope.Benchmark)
public class NimbusEd25519Benchmark {
    /** Created by JMH, once per fork. */
    public NimbusEd25519Benchmark() {
    }

    private String token;
    private Ed25519Verifier verifier;
    private DefaultJWTClaimsVerifier<?> claimsVerifier;

    /**
     * Builds the verifier from the fixture's JWK.
     *
     * @throws Exception if the JWK does not parse or the token does not verify (a broken fixture)
     */
    @Setup
    public void setup() throws Exception {
        BenchTokens.Fixture fixture = BenchTokens.fixture("EdDSA");
        token = fixture.token;
        OctetKeyPair key = (OctetKeyPair) JWKSet.parse(fixture.jwks).getKeyByKeyId(fixture.kid);
        verifier = new Ed25519Verifier(key);
        Date now = new Date(BenchTokens.clock().millis());
        claimsVerifier = new DefaultJWTClaimsVerifier<>(BenchTokens.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(BenchTokens.ISSUER).build(), Set.of("exp", "iat", "nbf")) {
            @Override
            protected Date currentTime() {
                return now;
            }
        };
        verify();
    }

    /**
     * Parses the token, checks the signature and the claims.
     *
     * @return the claims
     * @throws ParseException never, for this token
     * @throws JOSEException never, for this token
     * @throws BadJWTException never, for this token
     */
    @Benchmark
    public JWTClaimsSet verify() throws ParseException, JOSEException, BadJWTException {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!jwt.verify(verifier)) {
            throw new IllegalStateException("the EdDSA fixture does not verify");
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        claimsVerifier.verify(claims, null);
        return claims;
    }
}
