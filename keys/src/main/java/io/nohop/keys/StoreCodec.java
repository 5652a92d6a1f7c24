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
 * JSON form of {@code store.json}, {@code keys/<kid>.json} and {@code root.json}. Every file carries a
 * {@code "format"} so that a later layout can be told apart: key records and {@code root.json} are
 * format 1; {@code store.json} is format 2 since stores have a root key and authenticated settings
 * (format 1 is a store created before that, read so that {@code root-key --create} can upgrade it; an
 * older nohop refuses format 2, so it cannot publish an unsigned key set from a newer store).
 */
final class StoreCodec {

    static final long FORMAT = 1;
    /** Format of {@code store.json} written now. */
    static final long STORE_FORMAT = 2;
    /** Format of {@code store.json} of stores made before root keys. */
    static final long LEGACY_STORE_FORMAT = 1;

    private StoreCodec() {
    }

    /**
     * Contents of {@code store.json}.
     *
     * @param config the settings
     * @param kdf the key-derivation parameters used for new records
     * @param passphraseCheck a constant sealed under the derived key, to tell a wrong passphrase at once
     * @param createdAt when the store was created
     * @param format {@link #STORE_FORMAT}, or {@link #LEGACY_STORE_FORMAT} for a store made before root keys
     * @param settingsMac HMAC over the rest of the file under a key derived from the passphrase (format 2)
     */
    record StoreFile(StoreConfig config, KdfParameters kdf, Sealed passphraseCheck, Instant createdAt, long format,
                     Optional<String> settingsMac) {

        StoreFile withoutMac() {
            return new StoreFile(config, kdf, passphraseCheck, createdAt, format, Optional.empty());
        }
    }

    static byte[] writeStore(StoreFile file) {
        StoreConfig c = file.config();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", file.format());
        json.put("algorithm", c.algorithm().jwsName());
        json.put("issuer", c.issuer().orElse(null));
        json.put("maxTokenLifetime", c.maxTokenLifetime().toString());
        json.put("clockSkew", c.clockSkew().toString());
        json.put("refreshBound", c.refreshBound().toString());
        json.put("publishLead", c.publishLead().toString());
        json.put("rotationPeriod", c.rotationPeriod().toString());
        if (file.format() >= STORE_FORMAT) {
            json.put("keySetLifetime", c.keySetLifetime().toString());
            json.put("rootAlgorithm", c.rootAlgorithm().jwsName());
        }
        json.put("createdAt", file.createdAt().toString());
        json.put("kdf", kdfJson(file.kdf()));
        json.put("passphraseCheck", sealedJson(file.passphraseCheck()));
        file.settingsMac().ifPresent(mac -> json.put("settingsMac", mac));
        return (JsonText.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static StoreFile readStore(byte[] bytes) throws ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
        Object format = json.get("format");
        if (!(format instanceof Number f) || (f.longValue() != STORE_FORMAT && f.longValue() != LEGACY_STORE_FORMAT)) {
            throw new ParseException("unsupported format " + format + " (expected " + STORE_FORMAT + ")", 0);
        }
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
            String lifetime = JSONObjectUtils.getString(json, "keySetLifetime");
            if (lifetime != null) {
                b.keySetLifetime(Duration.parse(lifetime));
            } else {
                // A store made before signed key sets: the default, or 2R if that is longer (capped).
                Duration twiceR = Duration.parse(required(json, "refreshBound")).multipliedBy(2);
                Duration fallback = twiceR.compareTo(StoreConfig.DEFAULT_KEY_SET_LIFETIME) > 0 ? twiceR
                        : StoreConfig.DEFAULT_KEY_SET_LIFETIME;
                b.keySetLifetime(fallback.compareTo(StoreConfig.MAX_KEY_SET_LIFETIME) > 0
                        ? StoreConfig.MAX_KEY_SET_LIFETIME : fallback);
            }
            String rootAlgorithm = JSONObjectUtils.getString(json, "rootAlgorithm");
            if (rootAlgorithm != null) {
                b.rootAlgorithm(SigningAlgorithm.parse(rootAlgorithm));
            }
            return new StoreFile(b.build(), kdf(JSONObjectUtils.getJSONObject(json, "kdf")),
                    sealed(JSONObjectUtils.getJSONObject(json, "passphraseCheck")),
                    Instant.parse(required(json, "createdAt")), f.longValue(),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "settingsMac")));
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
            // Up to 2^53, where a JSON number is still exact: the next record takes seq + 1, which must not wrap.
            if (n.doubleValue() < 1 || n.doubleValue() > MAX_SEQUENCE) {
                throw new ParseException("seq " + n + " outside 1.." + MAX_SEQUENCE, 0);
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

    /** The largest sequence number a record may hold: 2^53, the largest integer every JSON reader keeps exact. */
    static final long MAX_SEQUENCE = 1L << 53;

    static byte[] writeRoots(StoreRoots roots) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("current", rootJson(roots.current()));
        json.put("next", roots.next().map(StoreCodec::rootJson).orElse(null));
        json.put("previous", roots.previous().stream().map(StoreCodec::rootJson).toList());
        return (JsonText.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static StoreRoots readRoots(byte[] bytes) throws ParseException {
        Map<String, Object> json = JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8));
        checkFormat(json);
        Map<String, Object> current = JSONObjectUtils.getJSONObject(json, "current");
        if (current == null) {
            throw new ParseException("current root missing", 0);
        }
        Map<String, Object> next = JSONObjectUtils.getJSONObject(json, "next");
        java.util.List<StoreRoots.Entry> previous = new java.util.ArrayList<>();
        Map<String, Object>[] previousJson = JSONObjectUtils.getJSONObjectArray(json, "previous");
        if (previousJson != null) {
            for (Map<String, Object> p : previousJson) {
                previous.add(rootEntry(p));
            }
        }
        try {
            return new StoreRoots(rootEntry(current), next == null ? Optional.empty() : Optional.of(rootEntry(next)), previous);
        } catch (IllegalArgumentException e) {
            throw new ParseException(e.getMessage(), 0);
        }
    }

    private static Map<String, Object> rootJson(StoreRoots.Entry e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kid", e.kid());
        json.put("alg", e.algorithm().jwsName());
        json.put("jwk", e.publicJwk().toJSONObject());
        json.put("createdAt", e.createdAt().toString());
        json.put("retiredAt", e.retiredAt().map(Instant::toString).orElse(null));
        json.put("endorsement", e.endorsement().orElse(null));
        json.put("privateKey", e.privateKey().map(StoreCodec::privateKeyJson).orElse(null));
        return json;
    }

    private static StoreRoots.Entry rootEntry(Map<String, Object> json) throws ParseException {
        try {
            String kid = required(json, "kid");
            SigningAlgorithm alg = SigningAlgorithm.parse(required(json, "alg"));
            Map<String, Object> jwkJson = JSONObjectUtils.getJSONObject(json, "jwk");
            if (jwkJson == null) {
                throw new ParseException("root jwk missing", 0);
            }
            JWK jwk = JWK.parse(jwkJson);
            if (jwk.isPrivate()) {
                throw new ParseException("the root's public jwk holds private members", 0);
            }
            if (!jwk.computeThumbprint().toString().equals(kid) || !kid.equals(jwk.getKeyID())
                    || jwk.getAlgorithm() == null || !alg.jwsName().equals(jwk.getAlgorithm().getName())) {
                throw new ParseException("root kid is not the RFC 7638 thumbprint of its key, or alg differs", 0);
            }
            Map<String, Object> privateJson = JSONObjectUtils.getJSONObject(json, "privateKey");
            return new StoreRoots.Entry(kid, alg, jwk, Instant.parse(required(json, "createdAt")),
                    optionalInstant(json, "retiredAt"),
                    Optional.ofNullable(JSONObjectUtils.getString(json, "endorsement")),
                    privateJson == null ? Optional.empty()
                            : Optional.of(new SealedPrivateKey(kdf(privateJson), sealed(privateJson))));
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
        // Checked before any key is derived from it: the count is not authenticated until a key derived with it is.
        double count = n.doubleValue();
        if (!(count >= PassphraseCipher.MIN_ITERATIONS && count <= PassphraseCipher.MAX_ITERATIONS) || count != Math.rint(count)) {
            throw new ParseException("PBKDF2 iterations " + n + " outside " + PassphraseCipher.MIN_ITERATIONS + ".."
                    + PassphraseCipher.MAX_ITERATIONS + " (nohop never writes more than " + PassphraseCipher.DEFAULT_ITERATIONS
                    + ")", 0);
        }
        byte[] salt = new Base64URL(required(json, "salt")).decode();
        if (salt.length < 16) {
            throw new ParseException("salt shorter than 16 bytes", 0);
        }
        return new KdfParameters(salt, (int) count);
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
