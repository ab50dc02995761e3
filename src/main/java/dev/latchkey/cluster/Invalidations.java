package dev.latchkey.cluster;

import java.util.List;
import java.util.function.Consumer;

/**
 * Carries cache invalidations between the nodes that share one database, so a revocation made on one node is refused
 * by every node on the next request.
 */
public interface Invalidations extends AutoCloseable {
    /** Delivers the invalidation to every subscriber of every node, this one included, before or soon after return. */
    void publish(Invalidation invalidation);

    /**
     * {@link #publish} for each of {@code invalidations}; an implementation that waits for other nodes waits once for
     * all of them.
     */
    default void publishAll(List<Invalidation> invalidations) {
        invalidations.forEach(this::publish);
    }

    void subscribe(Consumer<Invalidation> listener);

    /**
     * Whether a cache may keep what it reads now. False while this node could miss an invalidation: then every lookup
     * reads the database. A cache must also drop what it read before an {@link Invalidation.Kind#ALL} it received
     * (this turns true right after one).
     */
    boolean mayCache();

    @Override
    void close();
}
