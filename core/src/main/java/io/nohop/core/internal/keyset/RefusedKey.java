package io.nohop.core.internal.keyset;

/**
 * A key that a JWKS document contained but that nohop will not use, and why.
 *
 * @param kid the key's id as the document gave it (attacker-influenced text: escape before logging), or null
 * @param reason a fixed explanation, safe to log
 */
public record RefusedKey(String kid, String reason) {
}
