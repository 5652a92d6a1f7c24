package io.nohop.core.internal.refresh;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JDK's client throws a bare ConnectException both for a refused connection and a name that does not resolve. */
class ConnectFailureTest {

    @Test
    void connectFailure_causedByUnresolvedAddress_saysTheNameDidNotResolve() {
        ConnectException e = new ConnectException();
        e.initCause(new ConnectException());
        e.getCause().initCause(new UnresolvedAddressException());
        assertEquals("host name not resolved", KeySetFetcher.connectFailure(e));
    }

    @Test
    void connectFailure_otherwise_saysConnectionRefused() {
        ConnectException e = new ConnectException();
        e.initCause(new ClosedChannelException());
        assertEquals("connection refused", KeySetFetcher.connectFailure(e));
    }
}
