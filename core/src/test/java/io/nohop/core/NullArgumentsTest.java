package io.nohop.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** No nulls across the API: a null argument is a NullPointerException that names the argument, not an internal. */
class NullArgumentsTest {

    private static void refusedNaming(String name, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertEquals(name, e.getMessage());
    }

    @Test
    void algorithms_nullArray_namesIt() {
        refusedNaming("algorithms", () -> TokenVerifier.builder().algorithms((String[]) null));
    }

    @Test
    void algorithms_nullName_namesIt() {
        refusedNaming("algorithms: an algorithm name", () -> TokenVerifier.builder().algorithms("RS256", null));
    }

    @Test
    void requireClaims_nullArray_namesIt() {
        refusedNaming("requireClaims", () -> TokenVerifier.builder().requireClaims((String[]) null));
    }

    @Test
    void verifierHealth_nullSources_namesThem() {
        refusedNaming("sources", () -> new VerifierHealth(VerifierHealth.Status.FRESH, null));
    }

    @Test
    void verifierStats_nullFailures_namesThem() {
        refusedNaming("refreshFailures", () -> new VerifierStats(Instant.EPOCH, 0, 0, null, 0, 0, 0, 0, 0,
                Duration.ofHours(24), Duration.ofHours(1)));
    }

    @Test
    void keyAge_nullNow_namesIt() {
        VerifierHealth.Source never = new VerifierHealth.Source(Optional.of(URI.create("https://keys.example/jwks")),
                VerifierHealth.Status.DOWN, 0, Optional.empty(), 0, Optional.empty(), Optional.empty());
        refusedNaming("now", () -> never.keyAge(null));
    }
}
