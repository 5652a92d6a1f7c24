package io.nohop.core.internal.refresh;

import io.nohop.core.VerifierHealth.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.nohop.core.internal.refresh.FaultyEndpoint.document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeySetEventsTest {
    private final RefreshFixture world = new RefreshFixture();

    @AfterEach
    void close() {
        world.close();
    }

    private void publishAndRefresh(RefreshingKeySource source, String jwks) {
        world.endpoint.answerKeys(document(jwks));
        world.scheduler.advanceTo(source.health().nextRefresh().orElseThrow());
    }

    @Test
    void aRemovedKeyIsAbsentRightAfterTheRefreshThatRemovedIt() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a", "b")));
        RefreshingKeySource source = world.started();

        publishAndRefresh(source, TestKeys.jwks("a"));

        assertNull(source.snapshot().byKid("b"));
        assertTrue(world.listener.events().contains("removed [b]"));
    }

    @Test
    void addedKeysAreReported() {
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.started();

        publishAndRefresh(source, TestKeys.jwks("a", "c"));

        assertEquals(List.of("added [a]", "status DOWN->FRESH", "added [c]"), world.listener.events().stream()
                .filter(e -> e.startsWith("added") || e.startsWith("status")).toList());
    }

    @Test
    void aKidReusedWithNewMaterialTakesTheNewKeyAndIsReported() {
        world.endpoint.answerKeys(document(TestKeys.jwks(TestKeys.key("k", 0))));
        RefreshingKeySource source = world.started();

        publishAndRefresh(source, TestKeys.jwks(TestKeys.key("k", 1)));

        assertTrue(world.listener.events().contains("materialChanged k"));
        world.endpoint.answerKeys(document(TestKeys.jwks(TestKeys.key("k", 1))));
        RefreshingKeySource reference = world.started();
        assertTrue(source.snapshot().byKid("k").sameMaterialAs(reference.snapshot().byKid("k")));
    }

    @Test
    void aRefusedKeyIsReportedOncePerReasonNotOnEveryRefresh() {
        String hmac = "{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0\"}";
        String withEnc = new com.nimbusds.jose.jwk.ECKey.Builder((com.nimbusds.jose.jwk.ECKey) TestKeys.key("h"))
                .keyUse(com.nimbusds.jose.jwk.KeyUse.ENCRYPTION).build().toPublicJWK().toJSONString();
        String a = TestKeys.key("a").toPublicJWK().toJSONString();
        String b = TestKeys.key("b").toPublicJWK().toJSONString();
        world.endpoint.answerKeys(document("{\"keys\":[" + a + "," + hmac + "]}"));
        RefreshingKeySource source = world.started();
        publishAndRefresh(source, "{\"keys\":[" + a + "," + b + "," + hmac + "]}");
        publishAndRefresh(source, "{\"keys\":[" + b + "," + hmac + "]}");
        assertEquals(1, refusals());

        publishAndRefresh(source, "{\"keys\":[" + b + "," + withEnc + "]}");
        assertEquals(2, refusals(), "a different reason for the same kid is news");
    }

    private long refusals() {
        return world.listener.events().stream().filter(e -> e.startsWith("refused h")).count();
    }

    @Test
    void aListenerWrittenForTheUncodedRefreshFailedStillHearsCodeAndDetail() {
        List<String> causes = new java.util.ArrayList<>();
        world.listenerInUse = new io.nohop.core.VerifierListener() {
            @Override
            public void refreshFailed(java.net.URI jwksUri, String cause, int consecutiveFailures,
                                      java.time.Instant nextAttempt) {
                causes.add(cause);
            }
        };
        world.endpoint.answerKeys(FaultyEndpoint.status(500));

        world.started();

        assertEquals(List.of("http_status: HTTP 500 server error"), causes);
    }

    @Test
    void aThrowingListenerNeverBreaksARefresh() {
        world.listener.throwAfterRecording();
        world.endpoint.answerKeys(document(TestKeys.jwks("a")));
        RefreshingKeySource source = world.started();

        publishAndRefresh(source, TestKeys.jwks("b"));

        assertEquals(List.of("b"), List.copyOf(source.snapshot().kids()));
        assertEquals(Status.FRESH, source.health().status());
        assertFalse(source.health().nextRefresh().isEmpty());
    }
}
