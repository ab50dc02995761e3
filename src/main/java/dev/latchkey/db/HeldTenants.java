package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The work a queue (the mail outbox, webhook deliveries) holds for suspended tenants, given back to the tenants that are
 * active again. The tenants with held work are few, and each is found with one index probe, however much it holds.
 */
public final class HeldTenants {
    private static final Logger log = LoggerFactory.getLogger(HeldTenants.class);

    /** Where a queue keeps held work: the first tenant after {@code after} (null: from the start) that has some. */
    public interface Queue {
        Optional<String> nextHeld(Handle h, String after);

        /** Sets the tenant's held work pending again, due as it was; answers how much. */
        int release(Handle h, String tenantId);
    }

    private final String name;
    private final Database db;
    private final Queue queue;
    private final Predicate<String> suspended;

    /** {@code name} names the queue in the log; {@code suspended} tells whether a tenant (by id) is suspended now. */
    public HeldTenants(String name, Database db, Queue queue, Predicate<String> suspended) {
        this.name = name;
        this.db = db;
        this.queue = queue;
        this.suspended = suspended;
    }

    /** Releases the held work of every tenant that is active again, while {@code running}. */
    public void releaseReactivated(BooleanSupplier running) {
        Optional<String> tenant = db.read(h -> queue.nextHeld(h, null));
        while (tenant.isPresent() && running.getAsBoolean()) {
            String tenantId = tenant.get();
            if (!suspended.test(tenantId)) {
                int released = db.tx(h -> queue.release(h, tenantId));
                log.info("{}: tenant {} is active again: {} held released", name, tenantId, released);
            }
            tenant = db.read(h -> queue.nextHeld(h, tenantId));
        }
    }
}
