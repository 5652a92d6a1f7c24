package io.nohop.core.internal.refresh;

import io.nohop.core.RefreshFailure;
import io.nohop.core.internal.json.JsonParseException;
import io.nohop.core.internal.json.StrictJson;

import java.net.URI;
import java.util.Map;

/**
 * Reads an OpenID Provider metadata document (OpenID Connect Discovery 1.0, §4) for the one thing
 * nohop needs from it: the {@code jwks_uri} — trusted only when the document's {@code issuer} is
 * exactly the configured issuer (§4.3), so a metadata document cannot redirect a verifier to another
 * issuer's keys.
 */
final class DiscoveryDocument {
    private static final int MAX_DEPTH = 32;
    private static final String WELL_KNOWN = "/.well-known/openid-configuration";

    private DiscoveryDocument() {
    }

    /**
     * @param issuer the configured issuer
     * @return the metadata URL: the issuer, one trailing slash removed, plus the well-known path
     * @throws IllegalArgumentException when the result is not an absolute URI
     */
    static URI metadataUri(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI uri = URI.create(base + WELL_KNOWN);
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("issuer is not an absolute http(s) URL");
        }
        return uri;
    }

    /**
     * @param document the metadata bytes
     * @param issuer the configured issuer, compared exactly
     * @return the JWKS URI the document names
     * @throws Refused with fixed text when the document is unusable
     */
    static URI jwksUri(byte[] document, String issuer) throws Refused {
        return keySetUri(document, issuer, "jwks_uri");
    }

    /**
     * For a source that pins roots: the signed key set's URL, never the plain {@code jwks_uri} (a
     * silent fall back to an unsigned set would undo the pinning).
     *
     * @param document the metadata bytes
     * @param issuer the configured issuer, compared exactly
     * @return the URI the document names as {@code signed_jwks_uri}
     * @throws Refused with fixed text when the document is unusable or names no {@code signed_jwks_uri}
     */
    static URI signedJwksUri(byte[] document, String issuer) throws Refused {
        return keySetUri(document, issuer, "signed_jwks_uri");
    }

    private static URI keySetUri(byte[] document, String issuer, String member) throws Refused {
        Map<String, Object> metadata;
        try {
            metadata = StrictJson.parseObject(document, MAX_DEPTH);
        } catch (JsonParseException e) {
            throw new Refused(RefreshFailure.NOT_JSON, "discovery document is not JSON");
        }
        if (!issuer.equals(metadata.get("issuer"))) {
            throw new Refused(RefreshFailure.ISSUER_MISMATCH, "discovery document names another issuer");
        }
        Object jwksUri = metadata.get(member);
        if (!(jwksUri instanceof String)) {
            throw new Refused(RefreshFailure.BAD_METADATA, "discovery document has no " + member + " string"
                    + ("jwks_uri".equals(member) ? "" : " (roots are pinned: its plain jwks_uri is not used)"));
        }
        try {
            URI uri = URI.create((String) jwksUri);
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new Refused(RefreshFailure.BAD_METADATA, "discovery " + member + " is not an absolute URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new Refused(RefreshFailure.BAD_METADATA, "discovery " + member + " is not a URI");
        }
    }

    /** Why a metadata document was refused: a code and fixed text. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        private final RefreshFailure failure;

        Refused(RefreshFailure failure, String why) {
            super(why, null, false, false);
            this.failure = failure;
        }

        RefreshFailure failure() {
            return failure;
        }
    }
}
