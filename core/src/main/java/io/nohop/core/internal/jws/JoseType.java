package io.nohop.core.internal.jws;

import java.util.Locale;

/**
 * The {@code typ} header compared as RFC 7515 §4.1.9 says: a media type, case-insensitive, where a value
 * without a slash stands for {@code application/} + it. One rule for a token's {@code typ} and a signed
 * key set's.
 */
public final class JoseType {
    private JoseType() {
    }

    /**
     * @param typ a {@code typ} value
     * @return its canonical form: lower case, with the {@code application/} prefix
     */
    public static String normalise(String typ) {
        String lower = typ.toLowerCase(Locale.ROOT);
        return lower.indexOf('/') < 0 ? "application/" + lower : lower;
    }

    /**
     * @param typ a header's {@code typ} member as parsed (any JSON value, or null when absent)
     * @param required the required type, already {@link #normalise normalised}
     * @return true when {@code typ} is a string naming the required type
     */
    public static boolean matches(Object typ, String required) {
        return typ instanceof String && required.equals(normalise((String) typ));
    }
}
