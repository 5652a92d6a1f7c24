package io.nohop.examples.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReplayParametersTest {

    @Test
    void usage_namesEveryOptionThatRepeatsARun_withItsDefault() {
        String usage = ReplayParameters.usage();
        ReplayParameters defaults = ReplayParameters.defaults();
        String[] words = defaults.asOptions().split(" ");
        for (int i = 0; i < words.length; i += 2) {
            assertTrue(usage.contains("  " + words[i] + " "), words[i] + " missing from\n" + usage);
            assertTrue(usage.contains("(default " + words[i + 1] + ")"), words[i] + "'s default missing from\n" + usage);
        }
        assertTrue(usage.contains("--short") && usage.contains("--help"), usage);
    }

    @Test
    void helpRequest_isRecognisedAnywhereOnTheLine() {
        assertTrue(ReplayParameters.isHelpRequest("--help"));
        assertTrue(ReplayParameters.isHelpRequest("--short", "-h"));
        assertFalse(ReplayParameters.isHelpRequest("--short"));
        assertFalse(ReplayParameters.isHelpRequest(Arrays.copyOf(new String[0], 0)));
    }
}
