/**
 * An optional Jakarta Servlet filter that authenticates requests with a {@link io.nohop.core.TokenVerifier},
 * for services without Spring Security. The Servlet API is an optional dependency of nohop-core: only
 * code that uses this package needs {@code jakarta.servlet:jakarta.servlet-api} (6.0 or later, which
 * the container provides).
 */
package io.nohop.core.servlet;
