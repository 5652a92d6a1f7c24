package io.nohop.examples.servlet;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.examples.BearerAuth;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A Servlet filter (Jakarta Servlet 5 or later) that lets a request through only with a bearer token
 * that nohop accepts, verified in memory. The verified token is put in the request attribute
 * {@link #VERIFIED_TOKEN}; a rejected one gets 401 with {@code WWW-Authenticate: Bearer
 * error="invalid_token", error_description="CODE"}, and {@code keys_unavailable} gets 503 with
 * {@code Retry-After} (see {@link BearerAuth}).
 *
 * <p>Register it programmatically, so that it gets the verifier the application built and will close:
 * <pre>{@code
 * public final class Startup implements ServletContextListener {
 *     private TokenVerifier verifier;
 *
 *     public void contextInitialized(ServletContextEvent event) {
 *         verifier = TokenVerifier.builder()
 *                 .jwksUri(URI.create("https://keys.internal/.well-known/jwks.json"))
 *                 .issuer("https://auth.example").audience("orders")
 *                 .cacheFile(Path.of("/var/cache/orders/jwks.json"))
 *                 .build();
 *         event.getServletContext().addFilter("nohop", new NohopAuthenticationFilter(verifier))
 *                 .addMappingForUrlPatterns(null, false, "/api/*");
 *     }
 *
 *     public void contextDestroyed(ServletContextEvent event) {
 *         verifier.close();
 *     }
 * }
 * }</pre>
 */
public final class NohopAuthenticationFilter implements Filter {
    /** The request attribute holding the {@link VerifiedToken} of a request let through. */
    public static final String VERIFIED_TOKEN = VerifiedToken.class.getName();

    private final TokenVerifier verifier;

    /**
     * Creates the filter. It does not own the verifier: whoever built it closes it.
     *
     * @param verifier the verifier
     */
    public NohopAuthenticationFilter(TokenVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            throw new ServletException("NohopAuthenticationFilter handles HTTP requests only");
        }
        Optional<String> token = BearerAuth.token(http.getHeader("Authorization"));
        if (token.isEmpty()) {
            refuse(answer, BearerAuth.Refusal.noToken());
            return;
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token.get());
        } catch (TokenRejectedException e) {
            refuse(answer, BearerAuth.Refusal.of(e));
            return;
        }
        http.setAttribute(VERIFIED_TOKEN, verified);
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletResponse response, BearerAuth.Refusal refusal) throws IOException {
        response.setStatus(refusal.status());
        response.setHeader(refusal.header(), refusal.value());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(refusal.body());
    }
}
