package dev.latchkey.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** One node (the embedded database): invalidations are delivered in the publishing thread. */
public final class LocalInvalidations implements Invalidations {
    private final List<Consumer<Invalidation>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void publish(Invalidation invalidation) {
        listeners.forEach(listener -> listener.accept(invalidation));
    }

    @Override
    public void subscribe(Consumer<Invalidation> listener) {
        listeners.add(listener);
    }

    @Override
    public boolean mayCache() {
        return true;
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
