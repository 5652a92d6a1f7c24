package io.nohop.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An ordinary Spring Boot resource server: Spring Security's {@code oauth2ResourceServer().jwt()}, a
 * scope rule and Actuator. Nothing in it names nohop: {@code nohop-spring} on the class path and the
 * three {@code nohop.*} properties in {@code application.properties} replace Spring's decoder (which
 * would fetch keys on the request path) with nohop's in-memory verifier, answer {@code keys_unavailable}
 * with 503, and add the {@code nohop} health contributor and metrics.
 *
 * <p>Answers: 200 with a token carrying the {@code orders.read} scope; 401 {@code invalid_token} with the
 * rejection code ({@code WWW-Authenticate: Bearer error="invalid_token", error_description="expired"});
 * 403 {@code insufficient_scope} without the scope; 503 with {@code Retry-After} while the service has no
 * usable keys.
 */
@SpringBootApplication
public class OrdersResourceServer {

    /** Created by Spring. */
    public OrdersResourceServer() {
    }

    /**
     * Starts the service.
     *
     * @param args Spring Boot arguments, e.g. {@code --nohop.jwks-uri=https://keys.internal/.well-known/jwks.json}
     */
    public static void main(String[] args) {
        SpringApplication.run(OrdersResourceServer.class, args);
    }

    /**
     * Who may do what: health is public, orders need the {@code orders.read} scope.
     *
     * @param http Spring Security's builder
     * @return the filter chain
     * @throws Exception as {@link HttpSecurity#build()} declares
     */
    @Bean
    public SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health").permitAll()
                        .requestMatchers("/orders").hasAuthority("SCOPE_orders.read")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()))
                .build();
    }

    /** The protected resource. */
    @RestController
    public static class OrdersController {
        /** Created by Spring. */
        public OrdersController() {
        }

        /**
         * The caller's orders.
         *
         * @param jwt the verified token, as Spring's {@code Jwt}
         * @return a line naming the caller
         */
        @GetMapping("/orders")
        public String orders(@AuthenticationPrincipal Jwt jwt) {
            return "orders of " + jwt.getSubject();
        }
    }
}
