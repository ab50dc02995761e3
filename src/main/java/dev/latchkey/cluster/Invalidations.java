package dev.latchkey.cluster;

import java.util.function.Consumer;

/**
 * Carries cache invalidations between the nodes that share one database, so a revocation made on one node is refused
 * by every node on the next request.
 */
public interface Invalidations extends AutoCloseable {
    /** Delivers the invalidation to every subscriber of every node, this one included, before or soon after return. */
    void publish(Invalidation invalidation);

    void subscribe(Consumer<Invalidation> listener);

    @Override
    void close();
}
