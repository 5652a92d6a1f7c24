package io.nohop.spring.web;

import io.nohop.spring.security.KeysUnavailableJwtException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;

import java.io.IOException;
import java.util.Optional;

/**
 * Answers {@code keys_unavailable} with 503 and {@code Retry-After} instead of the 500 a Servlet
 * container would send. Spring Security's resource server lets a decoder failure that is not a bad
 * token ({@link KeysUnavailableJwtException}, wrapped in an {@code AuthenticationServiceException})
 * propagate out of its filter chain; this filter sits in front of that chain and turns exactly that
 * failure into the answer. Anything else passes through untouched.
 *
 * <p>The auto-configuration registers it as a Servlet filter ordered just before Spring Security's
 * ({@link #ORDER}). Without Spring Boot, register it the same way, or add it to a
 * {@code SecurityFilterChain} in front of the bearer-token filter:
 * {@code http.addFilterBefore(new KeysUnavailableFilter(), BearerTokenAuthenticationFilter.class)}.
 *
 * <p>The answer: status 503, {@code Retry-After} in whole seconds, {@code Cache-Control: no-store}, and
 * the body {@code {"error":"temporarily_unavailable","reason":"keys_unavailable"}}.
 */
public final class KeysUnavailableFilter implements Filter, Ordered {
    /**
     * Just before Spring Security's filter chain (Spring Boot registers it at -100 unless
     * {@code spring.security.filter.order} says otherwise).
     */
    public static final int ORDER = -101;

    /** Creates the filter; it holds no state. */
    public KeysUnavailableFilter() {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            Optional<KeysUnavailableJwtException> unavailable = KeysUnavailableJwtException.findIn(e);
            if (unavailable.isEmpty() || response.isCommitted() || !(response instanceof HttpServletResponse http)) {
                throw e;
            }
            http.reset();
            http.setStatus(503);
            http.setHeader("Retry-After", Long.toString(Math.max(1, unavailable.get().retryAfter().toSeconds())));
            http.setHeader("Cache-Control", "no-store");
            http.setContentType("application/json");
            http.setCharacterEncoding("UTF-8");
            http.getWriter().write(ProblemBody.KEYS_UNAVAILABLE);
        }
    }

    /**
     * Returns {@link #ORDER}.
     *
     * @return the filter's position among the Servlet filters Spring Boot registers
     */
    @Override
    public int getOrder() {
        return ORDER;
    }
}
