/**
 * The nohop test kit: {@link io.nohop.testkit.NohopIssuerExtension} runs a key store, the JWKS endpoint
 * and a token issuer on loopback; {@link io.nohop.testkit.TokenSpec} says what a token claims;
 * {@link io.nohop.testkit.TokenDefect} names the ways a token can be wrong and the rejection each gets.
 */
package io.nohop.testkit;
