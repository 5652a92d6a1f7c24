package io.nohop.spring.interop;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * nohop's decision next to Spring Security's for the same token. Every pair must agree, unless the
 * case is one of the listed disagreements, each with its reason; the table is printed for the record.
 */
final class Decisions {
    /** Which side refuses what the other accepts. */
    enum Stricter { NOHOP, SPRING }

    /** A disagreement the tests expect, and why it is right (or, for SPRING, why it is not a nohop bug). */
    record Disagreement(Stricter stricter, String reason) { }

    record Row(String what, String nohop, String spring) { }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Disagreement> allowed;

    Decisions(Map<String, Disagreement> allowed) {
        this.allowed = allowed;
    }

    /** Decides {@code token} both ways and checks the pair; returns nohop's decision ("accepted" or the code). */
    String compare(String what, String token, TokenVerifier nohop, JwtDecoder spring) {
        String n = decide(nohop, token);
        String s = decide(spring, token);
        rows.add(new Row(what, n, s));
        boolean nohopAccepts = n.equals("accepted");
        boolean springAccepts = s.equals("accepted");
        if (nohopAccepts != springAccepts) {
            Disagreement d = allowed.get(what);
            if (d == null) {
                fail(what + ": nohop " + n + ", Spring " + s + " — a disagreement no test lists"
                        + (nohopAccepts ? " (nohop laxer: a bug)" : ""));
            }
            assertEquals(nohopAccepts ? Stricter.SPRING : Stricter.NOHOP, d.stricter(), what + ": " + d.reason());
        }
        return n;
    }

    static String decide(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return "accepted";
        } catch (TokenRejectedException e) {
            return e.reason().code();
        }
    }

    static String decide(JwtDecoder decoder, String token) {
        try {
            decoder.decode(token);
            return "accepted";
        } catch (JwtException e) {
            return "rejected (" + e.getMessage() + ")";
        }
    }

    String table() {
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            out.append(String.format("%-60s nohop: %-18s Spring: %s%n", r.what(), r.nohop(), r.spring()));
        }
        return out.toString();
    }
}
