package io.nohop.core;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Roots are checked when pinned, and the builder refuses configurations that would undo the pinning. */
class PinnedRootsTest {
    private static final ECKey ROOT = root();
    private static final ECKey OTHER_ROOT = root();
    private static final URI SIGNED = URI.create("https://keys.example/.well-known/jwks.jwt");
    private static final URI PLAIN = URI.create("https://other.example/jwks.json");

    private static ECKey root() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).algorithm(JWSAlgorithm.ES256)
                    .keyUse(KeyUse.SIGNATURE).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String publicJwk(ECKey key) {
        return key.toPublicJWK().toJSONString();
    }

    private static String refusal(String... jwks) {
        return assertThrows(IllegalArgumentException.class, () -> PinnedRoots.of(jwks)).getMessage();
    }

    @Test
    void of_rootKeyAsNohopPrintsIt_kidIsItsThumbprint() throws Exception {
        PinnedRoots roots = PinnedRoots.of(publicJwk(ROOT));
        assertEquals(List.of(ROOT.computeThumbprint().toString()), roots.kids());
    }

    @Test
    void of_jwkWithoutKid_kidComputed() throws Exception {
        String noKid = new ECKey.Builder(ROOT.toPublicJWK()).keyID(null).build().toJSONString();
        assertEquals(List.of(ROOT.computeThumbprint().toString()), PinnedRoots.of(noKid).kids());
    }

    @Test
    void of_kidThatIsNotTheThumbprint_refused() {
        String named = new ECKey.Builder(ROOT.toPublicJWK()).keyID("root-2030").build().toJSONString();
        assertTrue(refusal(named).contains("RFC 7638 thumbprint"), refusal(named));
    }

    @Test
    void of_privateJwk_refusedWithoutQuotingIt() {
        String message = refusal(ROOT.toJSONString());
        assertTrue(message.contains("private"), message);
        assertFalse(message.contains(ROOT.getD().toString()), "never the private part: " + message);
    }

    @Test
    void of_symmetricKey_refused() throws Exception {
        OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).generate();
        assertTrue(refusal(hmac.toJSONString()).contains("symmetric"));
    }

    @Test
    void of_shortRsaKey_refused() throws Exception {
        RSAKey small = new RSAKeyGenerator(1024, true).generate();
        assertTrue(refusal(small.toPublicJWK().toJSONString()).contains("2048"));
    }

    @Test
    void of_encryptionKey_refused() {
        String enc = new ECKey.Builder(ROOT.toPublicJWK()).keyUse(KeyUse.ENCRYPTION).build().toJSONString();
        assertTrue(refusal(enc).contains("use"));
    }

    @Test
    void of_notJsonOrAJwkSet_refusedNamingWhichRoot() {
        assertTrue(refusal(publicJwk(ROOT), "not json").startsWith("pinned root 2 of 2"));
        assertTrue(refusal("{\"keys\":[" + publicJwk(ROOT) + "]}").contains("JWK set"));
    }

    @Test
    void of_noneOrTwiceTheSameRoot_refused() {
        assertThrows(IllegalArgumentException.class, PinnedRoots::of);
        assertTrue(refusal(publicJwk(ROOT), publicJwk(ROOT)).contains("twice"));
    }

    @Test
    void toString_namesTheKidsOnly() {
        assertEquals("PinnedRoots[" + ROOT.getKeyID() + ", " + OTHER_ROOT.getKeyID() + "]",
                PinnedRoots.of(publicJwk(ROOT), publicJwk(OTHER_ROOT)).toString());
    }

    private static TokenVerifier.Builder builder() {
        return TokenVerifier.builder().issuer("https://auth.example").audience("orders");
    }

    @Test
    void build_pinnedSourceBesideAnUnpinnedUnboundOne_refused() {
        TokenVerifier.Builder b = builder().jwksUri(SIGNED, PinnedRoots.of(publicJwk(ROOT))).jwksUri(PLAIN);
        String message = assertThrows(IllegalStateException.class, b::build).getMessage();
        assertTrue(message.contains(PLAIN.toString()) && message.contains("pins no root"), message);
    }

    @Test
    void build_sameIssuerPinnedAndUnpinned_refused() {
        TokenVerifier.Builder b = builder()
                .trustIssuer("https://auth.example", SIGNED, PinnedRoots.of(publicJwk(ROOT)))
                .trustIssuer("https://auth.example", PLAIN);
        assertThrows(IllegalStateException.class, b::build);
    }

    @Test
    void build_pinnedIssuerBesideAnUnpinnedOtherIssuer_allowed() {
        TokenVerifier.Builder b = builder()
                .trustIssuer("https://auth.example", SIGNED, PinnedRoots.of(publicJwk(ROOT)))
                .trustIssuer("https://accounts.example", PLAIN);
        b.build().close();
    }

    @Test
    void pin_sameUriToOtherRoots_refusedAtOnce() {
        TokenVerifier.Builder b = builder().jwksUri(SIGNED, PinnedRoots.of(publicJwk(ROOT)));
        String message = assertThrows(IllegalStateException.class,
                () -> b.trustIssuer("https://auth.example", SIGNED, PinnedRoots.of(publicJwk(OTHER_ROOT)))).getMessage();
        assertTrue(message.contains("already pinned to PinnedRoots[" + ROOT.getKeyID()), message);
    }

    @Test
    void pin_sameUriToTheSameRootsInAnotherOrder_allowed() {
        builder().trustIssuer("https://a.example", SIGNED, PinnedRoots.of(publicJwk(ROOT), publicJwk(OTHER_ROOT)))
                .trustIssuer("https://b.example", SIGNED, PinnedRoots.of(publicJwk(OTHER_ROOT), publicJwk(ROOT)))
                .build().close();
    }

    @Test
    void build_rootAlgorithmOutsideTheAllowlist_refused() {
        TokenVerifier.Builder b = builder().algorithms("RS256").jwksUri(SIGNED, PinnedRoots.of(publicJwk(ROOT)));
        String message = assertThrows(IllegalStateException.class, b::build).getMessage();
        assertTrue(message.contains("ES256"), message);
    }
}
