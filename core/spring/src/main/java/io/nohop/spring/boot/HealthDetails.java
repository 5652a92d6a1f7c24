package io.nohop.spring.boot;

import io.nohop.core.VerifierHealth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The details both health indicators (Spring Boot 3 and 4 have a HealthIndicator each, in different
 * packages) show for a {@link VerifierHealth}: the nohop status, and per key source where the keys come
 * from, how many are held, when they were last confirmed and how old they are, failures, and when the
 * next fetch is due. No key material; the last error is one of nohop's fixed failure texts.
 */
final class HealthDetails {
    private HealthDetails() {
    }

    static Map<String, Object> of(VerifierHealth health, Clock clock) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("keys", health.status().name());
        List<Map<String, Object>> sources = new ArrayList<>();
        for (VerifierHealth.Source s : health.sources()) {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("jwksUri", s.jwksUri().map(Object::toString).orElse("fixed key set"));
            source.put("status", s.status().name());
            source.put("keyCount", s.keyCount());
            s.lastSuccess().ifPresent(t -> source.put("lastSuccess", t.toString()));
            s.keyAge(clock.instant()).ifPresent(age -> source.put("keyAge", age.toString()));
            source.put("consecutiveFailures", s.consecutiveFailures());
            s.lastError().ifPresent(e -> source.put("lastError", e));
            s.nextRefresh().ifPresent(t -> source.put("nextRefresh", t.toString()));
            sources.add(source);
        }
        details.put("sources", sources);
        return details;
    }
}
