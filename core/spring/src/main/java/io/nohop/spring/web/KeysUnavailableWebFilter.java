package io.nohop.spring.web;

import io.nohop.spring.security.KeysUnavailableJwtException;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The WebFlux counterpart of {@link KeysUnavailableFilter}: Spring Security's reactive resource server
 * lets {@link KeysUnavailableJwtException} (wrapped in an {@code AuthenticationServiceException})
 * propagate as an error signal; this filter, ordered just before Spring Security's
 * {@code WebFilterChainProxy} ({@link #ORDER}), answers exactly that error with 503, {@code Retry-After},
 * {@code Cache-Control: no-store} and {@code {"error":"temporarily_unavailable","reason":"keys_unavailable"}}.
 * Any other error passes through untouched. The auto-configuration registers it as a bean.
 */
public final class KeysUnavailableWebFilter implements WebFilter, Ordered {
    /** Just before Spring Security's {@code WebFilterChainProxy}, which is ordered -100. */
    public static final int ORDER = -101;

    /** Creates the filter; it holds no state. */
    public KeysUnavailableWebFilter() {
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).onErrorResume(e -> {
            Optional<KeysUnavailableJwtException> unavailable = KeysUnavailableJwtException.findIn(e);
            ServerHttpResponse response = exchange.getResponse();
            if (unavailable.isEmpty() || response.isCommitted()) {
                return Mono.error(e);
            }
            response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
            response.getHeaders().set("Retry-After", Long.toString(Math.max(1, unavailable.get().retryAfter().toSeconds())));
            response.getHeaders().setCacheControl("no-store");
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            DataBuffer body = response.bufferFactory().wrap(ProblemBody.KEYS_UNAVAILABLE.getBytes(StandardCharsets.UTF_8));
            return response.writeWith(Mono.just(body));
        });
    }

    /**
     * Returns {@link #ORDER}.
     *
     * @return the filter's position among WebFlux's web filters
     */
    @Override
    public int getOrder() {
        return ORDER;
    }
}
