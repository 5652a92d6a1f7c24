package io.nohop.keys.cli;

import io.nohop.keys.StoreException;
import java.net.URI;

/**
 * The line rotate and revoke add with {@code --admin-url}. The store change is already made when it
 * runs, so an admin listener that cannot be reached is a warning (exit 0): monitoring must never make
 * an emergency revocation look failed.
 */
final class FleetEstimate {
    private FleetEstimate() {
    }

    static void print(CliContext context, URI admin, String change) {
        try {
            FleetStatus status = FleetStatus.fetch(admin);
            context.out.println(status.rolloutSentence(change, context.clock.instant()));
        } catch (StoreException e) {
            context.err.println("nohop: warning: " + NohopCommand.oneLine(e.getMessage()) + "; no fleet estimate");
        }
    }
}
