package io.nohop.core;

/** Placeholder; the verifier lands in the next commit. */
public final class TokenVerifier {
    private TokenVerifier() {
    }
}
