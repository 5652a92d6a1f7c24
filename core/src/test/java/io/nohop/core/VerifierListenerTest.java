package io.nohop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** combine: every listener hears every event, in order, whatever the others do; the guard: nothing a listener throws escapes. */
class VerifierListenerTest {
    private static final URI JWKS = URI.create("https://keys.example/jwks.json");

    /** Writes what it heard, prefixed with its name, into a shared log. */
    private static VerifierListener recording(String name, List<String> log) {
        return new VerifierListener() {
            @Override
            public void tokenAccepted(String kid, long nanos) {
                log.add(name + " accepted " + kid);
            }

            @Override
            public void keysAdded(URI jwksUri, Set<String> kids) {
                log.add(name + " added " + kids);
            }
        };
    }

    private static VerifierListener throwing(String message) {
        return new VerifierListener() {
            @Override
            public void tokenAccepted(String kid, long nanos) {
                throw new IllegalStateException(message);
            }

            @Override
            public void keysAdded(URI jwksUri, Set<String> kids) {
                throw new IllegalStateException(message);
            }
        };
    }

    @Test
    void combine_passesEachEventToEveryListenerInOrder() {
        List<String> log = new ArrayList<>();
        VerifierListener both = VerifierListener.combine(recording("a", log), recording("b", log));
        both.tokenAccepted("k", 5);
        both.keysAdded(JWKS, Set.of("k2"));
        assertEquals(List.of("a accepted k", "b accepted k", "a added [k2]", "b added [k2]"), log);
    }

    @Test
    void combine_aThrowingListener_doesNotKeepLaterOnesFromHearing_andTheFirstFailureIsRethrown() {
        List<String> log = new ArrayList<>();
        VerifierListener all = VerifierListener.combine(throwing("first"), recording("b", log), throwing("second"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> all.tokenAccepted("k", 5));
        assertEquals("first", e.getMessage());
        assertEquals("second", e.getSuppressed()[0].getMessage());
        assertThrows(IllegalStateException.class, () -> all.keysAdded(JWKS, Set.of("k2")));
        assertEquals(List.of("b accepted k", "b added [k2]"), log);
    }

    @Test
    void combine_noneLeftIsNone_andOneIsItself() {
        VerifierListener one = recording("a", new ArrayList<>());
        assertSame(VerifierListener.NONE, VerifierListener.combine());
        assertSame(VerifierListener.NONE, VerifierListener.combine(VerifierListener.NONE));
        assertSame(one, VerifierListener.combine(VerifierListener.NONE, one));
    }

    /** A listener that throws a checked exception its interface does not declare (as Kotlin or @SneakyThrows can). */
    private static VerifierListener throwingChecked(String message) {
        return new VerifierListener() {
            @Override
            public void tokenAccepted(String kid, long nanos) {
                VerifierListenerTest.<RuntimeException>sneak(new java.io.IOException(message));
            }

            @Override
            public void keysAdded(URI jwksUri, Set<String> kids) {
                VerifierListenerTest.<RuntimeException>sneak(new java.io.IOException(message));
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Exception> void sneak(Exception e) throws T {
        throw (T) e;
    }

    @Test
    void guardedListener_checkedExceptionThrownUndeclared_swallowed() {
        VerifierListener guarded = new GuardedListener(throwingChecked("disk"));
        guarded.tokenAccepted("k", 1);
        guarded.keysAdded(JWKS, Set.of("k"));
    }

    @Test
    void combine_checkedExceptionThrownUndeclared_laterListenersStillHearIt_thenRethrownAsIs() {
        List<String> log = new ArrayList<>();
        VerifierListener all = VerifierListener.combine(throwingChecked("disk"), recording("b", log));
        Exception e = assertThrows(Exception.class, () -> all.tokenAccepted("k", 5));
        assertEquals(java.io.IOException.class, e.getClass());
        assertEquals(List.of("b accepted k"), log);
    }

    @Test
    void guardedListener_swallowsWhatAListenerThrowsOnKeySetEvents() {
        VerifierListener guarded = new GuardedListener(throwing("bug"));
        guarded.keysAdded(JWKS, Set.of("k"));
        guarded.tokenAccepted("k", 1);
    }
}
