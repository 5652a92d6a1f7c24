package io.nohop.keys.server;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rendering: a publication turned into the bytes the endpoint serves until the publication changes, so
 * that answering a request never serialises or hashes anything.
 *
 * @param publication what was rendered
 * @param jwks the JWKS document
 * @param etag the JWKS document's strong ETag
 * @param openid the OpenID metadata document; empty without an issuer, or until the public URL is known
 * @param renderedAt when the JWKS first took this form
 * @param generation the publication history's generation of this JWKS
 * @param signedJwks the signed key set (compact JWS); empty when the publication has none
 * @param signedEtag the signed key set's strong ETag
 */
record Rendering(Publication publication, byte[] jwks, String etag, byte[] openid, Instant renderedAt,
                 long generation, byte[] signedJwks, String signedEtag) {

    /**
     * Renders a publication without its OpenID document (that one names the public URL; see
     * {@link #withOpenid(String)}).
     */
    static Rendering of(Publication p, Instant now, long generation) {
        byte[] body = p.jwksJson().getBytes(StandardCharsets.UTF_8);
        byte[] signed = p.signedJwks().map(jwt -> jwt.getBytes(StandardCharsets.US_ASCII)).orElse(new byte[0]);
        return new Rendering(p, body, etagOf(body), new byte[0], now, generation, signed, etagOf(signed));
    }

    /** This rendering with its OpenID document, announcing the key sets under {@code publicUrl}. */
    Rendering withOpenid(String publicUrl) {
        if (publication().issuer().isEmpty()) {
            return this;
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("issuer", publication().issuer().get());
        meta.put("jwks_uri", publicUrl + JwksServer.JWKS_PATH);
        if (signedJwks().length > 0) {
            meta.put("signed_jwks_uri", publicUrl + JwksServer.SIGNED_JWKS_PATH);
        }
        byte[] openid = JSONObjectUtils.toJSONString(meta).getBytes(StandardCharsets.UTF_8);
        return new Rendering(publication(), jwks(), etag(), openid, renderedAt(), generation(),
                signedJwks(), signedEtag());
    }

    private static String etagOf(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
