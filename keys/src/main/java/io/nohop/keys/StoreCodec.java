package io.nohop.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.nohop.keys.internal.JsonText;
import io.nohop.keys.internal.PassphraseCipher;
import io.nohop.keys.internal.PassphraseCipher.KdfParameters;
import io.nohop.keys.internal.PassphraseCipher.Sealed;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JSON form of {@code store.json} and {@code keys/<kid>.json}. Every file carries {@code "format": 1}
 * so that a later layout can be told apart.
 */
final class StoreCodec {

    static final long FORMAT = 1;

    private StoreCodec() {
    }

    /**
     * Contents of {@code store.json}.
     *
     * @param config the settings
     * @param kdf the key-derivation parameters used for new records
     * @param passphraseCheck a constant sealed under the derived key, to tell a wrong passphrase at once
     * @param createdAt when the store was created
     */
    record StoreFile(StoreConfig config, KdfParameters kdf, Sealed passphraseCheck, Instant createdAt) {
    }

    static byte[] writeStore(StoreFile file) {
        StoreConfig c = file.config();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("algorithm", c.algorithm().jwsName());
        json.put("issuer", c.issuer().orElse(null));
        json.put("maxTokenLifetime", c.maxTokenLifetime().toString());
        json.put("clockSkew", c.clockSkew().toString());
        json.put("refreshBound", c.refreshBound().toString());
        json.put("publishLead", c.publishLead().toString());
        json.put("rotationPeriod", c.rotationPeriod().toString());
        json.put("createdAt", file.createdAt().toString());
        json.put("kdf", kdfJson(file.kdf()));
        json.put("passphraseCheck", sealedJson(file.passphraseCheck()));
        return (JsonText.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static StoreFile readStore(byte[] bytes) throws ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
        checkFormat(json);
        try {
            StoreConfig.Builder b = StoreConfig.builder()
                    .algorithm(SigningAlgorithm.parse(required(json, "algorithm")))
                    .maxTokenLifetime(Duration.parse(required(json, "maxTokenLifetime")))
                    .clockSkew(Duration.parse(required(json, "clockSkew")))
                    .refreshBound(Duration.parse(required(json, "refreshBound")))
                    .publishLead(Duration.parse(required(json, "publishLead")))
                    .rotationPeriod(Duration.parse(required(json, "rotationPeriod")));
            String issuer = JSONObjectUtils.getString(json, "issuer");
            if (issuer != null) {
                b.issuer(issuer);
            }
            return new StoreFile(b.build(), kdf(JSONObjectUtils.getJSONObject(json, "kdf")),
                    sealed(JSONObjectUtils.getJSONObject(json, "passphraseCheck")),
                    Instant.parse(required(json, "createdAt")));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
    }

    static byte[] writeRecord(KeyRecord r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("seq", r.sequence());
        json.put("kid", r.kid());
        json.put("alg", r.algorithm().jwsName());
        json.put("jwk", r.publicJwk().toJSONObject());
        json.put("createdAt", r.createdAt().toString());
        json.put("activateAt", r.activateAt().toString());
        json.put("deactivateAt", r.deactivateAt().map(Instant::toString).orElse(null));
        json.put("removeAt", r.removeAt().map(Instant::toString).orElse(null));
        json.put("revokedAt", r.revokedAt().map(Instant::toString).orElse(null));
        json.put("revocationReason", r.revocationReason().orElse(null));
        json.put("privateKey", r.sealedPrivateKey().map(StoreCodec::privateKeyJson).orElse(null));
        return (JsonText.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static KeyRecord readRecord(byte[] bytes, String expectedKid) throws ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
        checkFormat(json);
        try {
            String kid = required(json, "kid");
            if (!kid.equals(expectedKid)) {
                throw new ParseException("kid " + kid + " does not match the file name", 0);
            }
            SigningAlgorithm alg = SigningAlgorithm.parse(required(json, "alg"));
            Map<String, Object> jwkJson = JSONObjectUtils.getJSONObject(json, "jwk");
            if (jwkJson == null) {
                throw new ParseException("jwk missing", 0);
            }
            JWK jwk = JWK.parse(jwkJson);
            if (jwk.isPrivate()) {
                throw new ParseException("the public jwk holds private members", 0);
            }
            String thumbprint = jwk.computeThumbprint().toString();
            if (!thumbprint.equals(kid)) {
                throw new ParseException("kid is not the RFC 7638 thumbprint of the key", 0);
            }
            Object seq = json.get("seq");
            if (!(seq instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new ParseException("seq missing", 0);
            }
            Map<String, Object> privateJson = JSONObjectUtils.getJSONObject(json, "privateKey");
            Optional<SealedPrivateKey> privateKey = privateJson == null ? Optional.empty()
                    : Optional.of(new SealedPrivateKey(kdf(privateJson), sealed(privateJson)));
            return KeyRecord.of(n.longValue(), kid, alg, jwk,
                    Instant.parse(required(json, "createdAt")), Instant.parse(required(json, "activateAt")),
                    optionalInstant(json, "deactivateAt"), optionalInstant(json, "removeAt"),
                    optionalInstant(json, "revokedAt"),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "revocationReason")), privateKey);
        } catch (DateTimeParseException | IllegalArgumentException | JOSEException e) {
            throw new ParseException(e.getMessage(), 0);
        }
    }

    private static Map<String, Object> privateKeyJson(SealedPrivateKey key) {
        Map<String, Object> json = kdfJson(key.kdf());
        json.putAll(sealedJson(key.sealed()));
        return json;
    }

    private static Map<String, Object> kdfJson(KdfParameters kdf) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scheme", PassphraseCipher.SCHEME);
        json.put("iterations", (long) kdf.iterations());
        json.put("salt", Base64URL.encode(kdf.salt()).toString());
        return json;
    }

    private static Map<String, Object> sealedJson(Sealed sealed) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("nonce", Base64URL.encode(sealed.nonce()).toString());
        json.put("ciphertext", Base64URL.encode(sealed.ciphertext()).toString());
        return json;
    }

    private static KdfParameters kdf(Map<String, Object> json) throws ParseException {
        if (json == null) {
            throw new ParseException("key-derivation parameters missing", 0);
        }
        String scheme = required(json, "scheme");
        if (!PassphraseCipher.SCHEME.equals(scheme)) {
            throw new ParseException("unknown encryption scheme " + scheme, 0);
        }
        Object iterations = json.get("iterations");
        if (!(iterations instanceof Number n)) {
            throw new ParseException("iterations missing", 0);
        }
        return new KdfParameters(new Base64URL(required(json, "salt")).decode(), n.intValue());
    }

    private static Sealed sealed(Map<String, Object> json) throws ParseException {
        if (json == null) {
            throw new ParseException("ciphertext missing", 0);
        }
        return new Sealed(new Base64URL(required(json, "nonce")).decode(),
                new Base64URL(required(json, "ciphertext")).decode());
    }

    private static void checkFormat(Map<String, Object> json) throws ParseException {
        Object format = json.get("format");
        if (!(format instanceof Number n) || n.longValue() != FORMAT) {
            throw new ParseException("unsupported format " + format + " (expected " + FORMAT + ")", 0);
        }
    }

    private static String required(Map<String, Object> json, String name) throws ParseException {
        String value = JSONObjectUtils.getString(json, name);
        if (value == null) {
            throw new ParseException(name + " missing", 0);
        }
        return value;
    }

    private static Optional<Instant> optionalInstant(Map<String, Object> json, String name) throws ParseException {
        String value = JSONObjectUtils.getString(json, name);
        return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
    }
}
