package dev.latchkey.testing;

import dev.latchkey.cluster.Invalidation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The cache invalidations that nodes are told of, as a cluster's other nodes would receive them. */
public final class Publications {
    private Publications() {
    }

    /** Every invalidation about {@code tenantId} published from now on, in order, as the server delivers them. */
    public static List<Invalidation> of(TestServer server, String tenantId) {
        List<Invalidation> published = new CopyOnWriteArrayList<>();
        server.app.invalidations().subscribe(invalidation -> {
            if (invalidation.tenantId().equals(tenantId)) {
                published.add(invalidation);
            }
        });
        return published;
    }
}
