package io.nohop.keys.server.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointMetricsTest {
    private static final String JWKS = "/.well-known/jwks.json";

    private static EndpointMetrics metrics() {
        InstanceTable table = new InstanceTable(10);
        PublicationHistory history = new PublicationHistory("\"e\"", List.of("k"), Instant.EPOCH);
        return new EndpointMetrics(List.of(JWKS), () -> FleetView.pollersBySet(table, history, Instant.EPOCH,
                Duration.ofHours(1)), table::size, () -> Duration.ZERO, Duration.ofHours(2),
                Duration.ofMinutes(5));
    }

    private static String line(EndpointMetrics m, String status) {
        return new String(m.scrape(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("nohop_endpoint_requests_total{") && l.contains("status=\"" + status + "\""))
                .findFirst().orElse("");
    }

    @Test
    void requests_inBulk_countAsManySingleRequests() {
        EndpointMetrics single = metrics();
        EndpointMetrics bulk = metrics();
        for (int i = 0; i < 7; i++) {
            single.request(JWKS, 304);
        }
        bulk.requests(JWKS, 304, 3);
        bulk.requests(JWKS, 304, 4);
        assertEquals(line(single, "304"), line(bulk, "304"));
        assertTrue(line(bulk, "304").endsWith(" 7.0"), line(bulk, "304"));
    }

    @Test
    void requests_zero_registersNoSeries() {
        EndpointMetrics m = metrics();
        m.requests(JWKS, 200, 0);
        assertEquals("", line(m, "200"));
    }

    @Test
    void requests_negativeCount_refusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metrics().requests(JWKS, 200, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
