package io.nohop.core.internal.refresh;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.nohop.core.RefreshFailure;
import io.nohop.core.internal.keyset.InvalidKeySetException;
import io.nohop.core.internal.keyset.JwsAlgorithm;
import io.nohop.core.internal.keyset.KeySetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static io.nohop.core.internal.refresh.SignedSets.ATTACKER_ROOT;
import static io.nohop.core.internal.refresh.SignedSets.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each check of a signed key set, one refusal code each, on documents made with Nimbus. */
class SignedKeySetVerifierTest {
    private static final Instant IAT = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant NOW = IAT.plusSeconds(60);
    private static final String ISSUER = "https://auth.example";
    private static final JWK A = TestKeys.key("a", 0);
    private static final JWK B = TestKeys.key("b", 1);

    private final SignedKeySetVerifier verifier = SignedSets.verifier(Optional.empty(), ROOT);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private RefreshFailure refusal(SignedKeySetVerifier v, String document, Optional<Instant> newest) {
        return assertThrows(InvalidKeySetException.class, () -> v.verify(bytes(document), NOW, newest)).failure();
    }

    private RefreshFailure refusal(String document) {
        return refusal(verifier, document, Optional.empty());
    }

    private static String withHeader(JWSHeader header) {
        return SignedSets.sign(ROOT, header, SignedSets.claims(IAT, Optional.empty(), A).build());
    }

    private static String withClaims(JWTClaimsSet claims) {
        return SignedSets.sign(ROOT, SignedSets.header(ROOT).build(), claims);
    }

    @Test
    void verify_setSignedByPinnedRootWithNimbus_keysIatAndExp() throws Exception {
        SignedKeySetVerifier.Verified set = verifier.verify(bytes(SignedSets.set(ROOT, IAT, Optional.empty(), A, B)),
                NOW, Optional.empty());

        assertEquals(List.of("a", "b"), set.keys().keys().stream().map(k -> k.kid()).toList());
        assertEquals(IAT, set.issuedAt());
        assertEquals(IAT.plus(SignedSets.LIFETIME), set.expiresAt());
    }

    @Test
    void verify_plainJwks_unsigned() {
        assertEquals(RefreshFailure.UNSIGNED, refusal(TestKeys.jwks(A)));
    }

    @Test
    void verify_algNone_unsigned() {
        String set = SignedSets.set(ROOT, IAT, Optional.empty(), A);
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                bytes("{\"alg\":\"none\",\"typ\":\"jwk-set+jwt\",\"kid\":\"" + ROOT.getKeyID() + "\"}"));
        String payload = set.substring(set.indexOf('.') + 1, set.lastIndexOf('.'));
        assertEquals(RefreshFailure.UNSIGNED, refusal(header + "." + payload + "."));
    }

    @Test
    void verify_trailingLineEnding_unsigned() {
        assertEquals(RefreshFailure.UNSIGNED, refusal(SignedSets.set(ROOT, IAT, Optional.empty(), A) + "\n"));
    }

    @Test
    void verify_flippedSignatureByte_badSignature() {
        assertEquals(RefreshFailure.BAD_SIGNATURE,
                refusal(SignedSets.flipSignatureByte(SignedSets.set(ROOT, IAT, Optional.empty(), A))));
    }

    @Test
    void verify_keysReplacedUnderTheOriginalSignature_badSignature() {
        String genuine = SignedSets.set(ROOT, IAT, Optional.empty(), A);
        String forged = SignedSets.set(ATTACKER_ROOT, IAT, Optional.empty(), B);
        String spliced = genuine.substring(0, genuine.indexOf('.')) + forged.substring(forged.indexOf('.'),
                forged.lastIndexOf('.')) + genuine.substring(genuine.lastIndexOf('.'));
        assertEquals(RefreshFailure.BAD_SIGNATURE, refusal(spliced));
    }

    @Test
    void verify_signedByAnotherRoot_badSignature() {
        assertEquals(RefreshFailure.BAD_SIGNATURE, refusal(SignedSets.set(ATTACKER_ROOT, IAT, Optional.empty(), B)));
    }

    @Test
    void verify_anotherRootClaimingThePinnedKid_badSignature() {
        String forged = SignedSets.sign(ATTACKER_ROOT, SignedSets.header(ROOT).build(),
                SignedSets.claims(IAT, Optional.empty(), B).build());
        assertEquals(RefreshFailure.BAD_SIGNATURE, refusal(forged));
    }

    @Test
    void verify_keyNamedInTheHeader_neverUsed() {
        // An attacker's root offered in the header itself (jwk), with its own kid: a key is never taken from the document.
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ATTACKER_ROOT.getKeyID())
                .jwk(ATTACKER_ROOT.toPublicJWK()).type(new JOSEObjectType("jwk-set+jwt")).build();
        String forged = SignedSets.sign(ATTACKER_ROOT, header, SignedSets.claims(IAT, Optional.empty(), B).build());
        assertEquals(RefreshFailure.BAD_SIGNATURE, refusal(forged));
    }

    @Test
    void verify_noKidAndTheOnlyPinnedRootFits_accepted() throws Exception {
        String set = withHeader(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("jwk-set+jwt")).build());
        assertEquals(IAT, verifier.verify(bytes(set), NOW, Optional.empty()).issuedAt());
    }

    @Test
    void verify_algorithmOutsideTheAllowlist_unsigned() {
        SignedKeySetVerifier rsaOnly = new SignedKeySetVerifier(
                List.of(KeySetLoader.loadPinnedRoot(SignedSets.publicJwk(ROOT))), EnumSet.of(JwsAlgorithm.RS256),
                Optional.empty());
        assertEquals(RefreshFailure.UNSIGNED, refusal(rsaOnly, SignedSets.set(ROOT, IAT, Optional.empty(), A),
                Optional.empty()));
    }

    @Test
    void verify_rsaRootSetMadeWithNimbus_accepted() throws Exception {
        RSAKey root = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).algorithm(JWSAlgorithm.PS256).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID(root.getKeyID())
                .type(new JOSEObjectType("jwk-set+jwt")).build(), SignedSets.claims(IAT, Optional.of(ISSUER), A).build());
        jwt.sign(new RSASSASigner(root));
        SignedKeySetVerifier rsa = new SignedKeySetVerifier(
                List.of(KeySetLoader.loadPinnedRoot(root.toPublicJWK().toJSONString())),
                EnumSet.allOf(JwsAlgorithm.class), Optional.of(ISSUER));

        assertEquals(List.of("a"), rsa.verify(bytes(jwt.serialize()), NOW, Optional.empty()).keys().keys().stream()
                .map(k -> k.kid()).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwk-set+jwt", "JWK-SET+JWT", "application/jwk-set+jwt", "Application/Jwk-Set+Jwt"})
    void verify_typComparedAsATokensTyp_accepted(String typ) throws Exception {
        String set = withHeader(SignedSets.header(ROOT).type(new JOSEObjectType(typ)).build());
        assertEquals(IAT, verifier.verify(bytes(set), NOW, Optional.empty()).issuedAt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "at+jwt", "jwk-set+json", "application/jwk-set", "text/jwk-set+jwt"})
    void verify_otherTyp_wrongType(String typ) {
        assertEquals(RefreshFailure.WRONG_TYPE, refusal(withHeader(SignedSets.header(ROOT).type(new JOSEObjectType(typ)).build())));
    }

    @Test
    void verify_typMissing_wrongType() {
        assertEquals(RefreshFailure.WRONG_TYPE,
                refusal(withHeader(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ROOT.getKeyID()).build())));
    }

    @Test
    void verify_payloadNotJson_notJson() throws Exception {
        JWSObject jws = new JWSObject(SignedSets.header(ROOT).build(), new Payload("not json"));
        jws.sign(new ECDSASigner(ROOT));
        assertEquals(RefreshFailure.NOT_JSON, refusal(jws.serialize()));
    }

    @Test
    void verify_iatMissing_invalidClaim() {
        assertEquals(RefreshFailure.INVALID_CLAIM, refusal(withClaims(SignedSets.claims(IAT, Optional.empty(), A)
                .issueTime(null).build())));
    }

    @Test
    void verify_expNotANumber_invalidClaim() {
        assertEquals(RefreshFailure.INVALID_CLAIM, refusal(withClaims(SignedSets.claims(IAT, Optional.empty(), A)
                .expirationTime(null).claim("exp", "tomorrow").build())));
    }

    @Test
    void verify_expNotAfterIat_invalidClaim() {
        assertEquals(RefreshFailure.INVALID_CLAIM, refusal(withClaims(SignedSets.claims(IAT, Optional.empty(), A)
                .expirationTime(Date.from(IAT)).build())));
    }

    @Test
    void verify_expEqualsNow_expiredSetWithNoSkew() throws Exception {
        String set = withClaims(SignedSets.claims(IAT, Optional.empty(), A).expirationTime(Date.from(NOW)).build());
        assertEquals(RefreshFailure.EXPIRED_SET, refusal(set));
        // One second before exp it is still good: no allowance either way.
        assertEquals(IAT, verifier.verify(bytes(set), NOW.minusSeconds(1), Optional.empty()).issuedAt());
    }

    @Test
    void verify_olderThanTheNewestAccepted_rollback() {
        assertEquals(RefreshFailure.ROLLBACK, refusal(verifier, SignedSets.set(ROOT, IAT, Optional.empty(), A),
                Optional.of(IAT.plusSeconds(1))));
    }

    @Test
    void verify_sameIatAsTheNewestAccepted_accepted() throws Exception {
        String set = SignedSets.set(ROOT, IAT, Optional.empty(), A);
        assertEquals(IAT, verifier.verify(bytes(set), NOW, Optional.of(IAT)).issuedAt());
    }

    @Test
    void verify_boundIssuer_issMustMatch() throws Exception {
        SignedKeySetVerifier bound = SignedSets.verifier(Optional.of(ISSUER), ROOT);
        assertEquals(IAT, bound.verify(bytes(SignedSets.set(ROOT, IAT, Optional.of(ISSUER), A)), NOW,
                Optional.empty()).issuedAt());
        assertEquals(RefreshFailure.ISSUER_MISMATCH,
                refusal(bound, SignedSets.set(ROOT, IAT, Optional.of("https://other.example"), A), Optional.empty()));
        assertEquals(RefreshFailure.ISSUER_MISMATCH,
                refusal(bound, SignedSets.set(ROOT, IAT, Optional.empty(), A), Optional.empty()));
    }

    @Test
    void verify_noKeysClaim_notAJwks() {
        assertEquals(RefreshFailure.NOT_A_JWKS, refusal(withClaims(new JWTClaimsSet.Builder()
                .issueTime(Date.from(IAT)).expirationTime(Date.from(IAT.plus(SignedSets.LIFETIME))).build())));
    }

    @Test
    void verify_aPinnedRootAmongTheKeys_refusedAsAKey() throws Exception {
        SignedKeySetVerifier.Verified set = verifier.verify(
                bytes(SignedSets.set(ROOT, IAT, Optional.empty(), A, ROOT.toPublicJWK())), NOW, Optional.empty());

        assertEquals(List.of("a"), set.keys().keys().stream().map(k -> k.kid()).toList());
        assertEquals(ROOT.getKeyID(), set.keys().refused().get(0).kid());
        assertEquals(RefreshFailure.NO_USABLE_KEY,
                refusal(SignedSets.set(ROOT, IAT, Optional.empty(), ROOT.toPublicJWK())));
    }

    @Test
    void verify_severalPinnedRoots_eachVerifiesItsSets() throws Exception {
        SignedKeySetVerifier both = SignedSets.verifier(Optional.empty(), ROOT, ATTACKER_ROOT);
        assertEquals(IAT, both.verify(bytes(SignedSets.set(ROOT, IAT, Optional.empty(), A)), NOW, Optional.empty())
                .issuedAt());
        assertEquals(IAT, both.verify(bytes(SignedSets.set(ATTACKER_ROOT, IAT, Optional.empty(), A)), NOW,
                Optional.empty()).issuedAt());
    }
}
