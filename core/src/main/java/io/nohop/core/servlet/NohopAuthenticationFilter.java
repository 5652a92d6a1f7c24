package io.nohop.core.servlet;

import io.nohop.core.RejectionReason;
import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Objects;

/**
 * A Servlet filter (Jakarta Servlet 6) that lets a request through only with a bearer token that nohop
 * accepts, verified in memory, for services without Spring Security (with it, use {@code nohop-spring}).
 * The verified token is put in the request attribute {@link #VERIFIED_TOKEN}. Other requests are
 * answered here, as RFC 6750 §3 asks:
 * <ul>
 *   <li>no {@code Authorization: Bearer} header: 401 with {@code WWW-Authenticate: Bearer} (no error
 *       code, as §3.1 asks when the request carried no credentials);</li>
 *   <li>a rejected token: 401 with {@code WWW-Authenticate: Bearer error="invalid_token",
 *       error_description="CODE"}: the stable rejection code, a fixed string that never echoes the token;</li>
 *   <li>{@code keys_unavailable}: 503 with {@code Retry-After: 5}: the service has no usable keys, which a
 *       client cannot fix by re-authenticating, so it should retry.</li>
 * </ul>
 * Each answer has a small JSON body ({@code {"error":"invalid_token","reason":"CODE"}}).
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
// Servlet types appear in this API although nohop-core reads the Servlet API only statically: the container
// provides it to users of this class, and a transitive requirement would force it on every other user.
@SuppressWarnings("exports")
public final class NohopAuthenticationFilter implements Filter {
    /** The request attribute holding the {@link VerifiedToken} of a request let through. */
    public static final String VERIFIED_TOKEN = VerifiedToken.class.getName();

    /** Seconds a client is asked to wait after a 503 ({@code Retry-After}); about one refresh attempt. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private static final String SCHEME = "Bearer ";

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
        String token = bearerToken(http.getHeader("Authorization"));
        if (token == null) {
            refuse(answer, 401, "WWW-Authenticate", "Bearer", "{\"error\":\"missing_token\"}");
            return;
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (TokenRejectedException e) {
            RejectionReason reason = e.reason();
            if (reason.isKeyAvailabilityProblem()) {
                refuse(answer, 503, "Retry-After", Integer.toString(RETRY_AFTER_SECONDS),
                        "{\"error\":\"temporarily_unavailable\",\"reason\":\"" + reason.code() + "\"}");
            } else {
                refuse(answer, 401, "WWW-Authenticate",
                        "Bearer error=\"invalid_token\", error_description=\"" + reason.code() + "\"",
                        "{\"error\":\"invalid_token\",\"reason\":\"" + reason.code() + "\"}");
            }
            return;
        }
        http.setAttribute(VERIFIED_TOKEN, verified);
        chain.doFilter(request, response);
    }

    /** The token of a {@code Bearer} credential; the scheme is case-insensitive (RFC 7235 §2.1). Null if none. */
    private static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? null : token;
    }

    private static void refuse(HttpServletResponse response, int status, String header, String value, String body)
            throws IOException {
        response.setStatus(status);
        response.setHeader(header, value);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body);
    }
}
