/**
 * Web filters that answer {@code keys_unavailable} with 503 and {@code Retry-After} in front of Spring
 * Security: {@link io.nohop.spring.web.KeysUnavailableFilter} (Servlet) and
 * {@link io.nohop.spring.web.KeysUnavailableWebFilter} (WebFlux).
 */
package io.nohop.spring.web;
