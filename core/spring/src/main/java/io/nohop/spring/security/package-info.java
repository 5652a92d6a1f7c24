/**
 * Spring Security decoders backed by a nohop {@link io.nohop.core.TokenVerifier}:
 * {@link io.nohop.spring.security.NohopJwtDecoder} (Servlet) and
 * {@link io.nohop.spring.security.NohopReactiveJwtDecoder} (WebFlux), and the two exceptions that tell
 * a bad token (401) from unavailable keys (503).
 */
package io.nohop.spring.security;
