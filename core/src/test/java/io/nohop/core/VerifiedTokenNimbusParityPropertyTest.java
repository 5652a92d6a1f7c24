package io.nohop.core;

import static io.nohop.core.Tokens.builder;
import static io.nohop.core.Tokens.claims;
import static io.nohop.core.Tokens.rs256;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.JWTClaimsSet;
import io.nohop.core.internal.json.StrictJson;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For any claims, {@link VerifiedToken#claims()} and {@link VerifiedToken#header()} hold the values
 * Nimbus JOSE+JWT gives for the same token ({@code JWTClaimsSet.getClaims()}, {@code JWSHeader.toJSONObject()}),
 * which is what Spring Security's {@code NimbusJwtDecoder} puts in its {@code Jwt}. The one documented
 * difference: a JSON {@code null} member is left out of nohop's maps, where Nimbus keeps the name with
 * a Java {@code null}.
 */
class VerifiedTokenNimbusParityPropertyTest {
    private static final TokenVerifier VERIFIER = builder().build();

    @Property(tries = 300)
    void claimsAndHeader_equalNimbusExceptForNullMembers(@ForAll("customClaims") Map<String, Object> extra)
            throws Exception {
        Tokens.Obj claims = claims();
        Tokens.Obj header = Tokens.header("RS256", "rsa").str("typ", "at+jwt");
        extra.forEach((name, value) -> {
            claims.raw(name, StrictJson.writeCompact(value));
            header.raw(name, StrictJson.writeCompact(value));
        });
        String token = Tokens.sign("RS256", header.json(), claims.json());

        VerifiedToken verified = Tokens.accepted(VERIFIER, token);
        JWSObject nimbus = JWSObject.parse(token);
        Map<String, Object> nimbusClaims = JWTClaimsSet.parse(nimbus.getPayload().toJSONObject()).getClaims();

        assertEquals(withoutNullMembers(datesAsInstants(nimbusClaims)), verified.claims());
        assertEquals(withoutNullMembers(nimbus.getHeader().toJSONObject()), verified.header());
    }

    @Property(tries = 50)
    void scopes_fromAnArrayOrAString_equalTheWordsSpringWouldMakeAuthoritiesOf(
            @ForAll("scopeWords") List<String> words, @ForAll boolean asArray) {
        Tokens.Obj c = claims();
        if (asArray) {
            c.raw("scope", StrictJson.writeCompact(words));
        } else {
            c.str("scope", String.join(" ", words));
        }
        assertEquals(words.stream().distinct().toList(), List.copyOf(Tokens.accepted(VERIFIER, rs256(c)).scopes()));
    }

    @Provide
    Arbitrary<List<String>> scopeWords() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('.', ':', '/').ofMinLength(1).ofMaxLength(8)
                .list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Map<String, Object>> customClaims() {
        // Names that no registered claim or header parameter uses: those are converted, and tested one by one.
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6)
                .map(s -> "c_" + s);
        return Arbitraries.maps(names, values(3)).ofMaxSize(5);
    }

    private static Arbitrary<Object> scalars() {
        Arbitrary<BigDecimal> decimals = Combinators.combine(
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(25).negate(), BigInteger.TEN.pow(25)),
                Arbitraries.integers().between(-30, 30)).as(BigDecimal::new);
        return Arbitraries.oneOf(List.of(
                Arbitraries.strings().ofMaxLength(10),
                Arbitraries.longs(),
                Arbitraries.longs().between(-1000, 1000),
                decimals,
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE, StrictJson.NULL)));
    }

    private static Arbitrary<Object> values(int depth) {
        if (depth == 0) {
            return scalars();
        }
        Arbitrary<Object> list = values(depth - 1).list().ofMaxSize(4).map(l -> (Object) l);
        Arbitrary<Object> object = Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(4), values(depth - 1))
                .ofMaxSize(4).map(m -> (Object) m);
        return Arbitraries.oneOf(List.of(scalars(), scalars(), list, object));
    }

    private static Map<String, Object> datesAsInstants(Map<String, Object> nimbusClaims) {
        Map<String, Object> out = new LinkedHashMap<>(nimbusClaims);
        out.replaceAll((name, value) -> value instanceof Date ? ((Date) value).toInstant() : value);
        return out;
    }

    private static Object withoutNullMembers(Object value) {
        if (value instanceof Map) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> {
                if (v != null) {
                    out.put((String) k, withoutNullMembers(v));
                }
            });
            return out;
        }
        if (value instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) value) {
                out.add(withoutNullMembers(o));
            }
            return out;
        }
        return value;
    }

}
