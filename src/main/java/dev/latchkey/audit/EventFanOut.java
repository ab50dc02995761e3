package dev.latchkey.audit;

/**
 * What follows each recorded event in its own transaction and round trip: the webhooks' outbox. The audit log runs
 * {@link #statement()} just before the event's insert, as one request to the database, so that a tenant without
 * subscribers pays one indexed probe and no round trip more.
 */
public interface EventFanOut {
    /**
     * One SQL statement reading the event's values as the insert binds them ({@code :tenant}, {@code :id},
     * {@code :customer}, {@code :type}, {@code :at}) and answering the rows it wrote; it must not use other names.
     */
    String statement();

    /** Runs once the transaction that queued rows has committed (never for a statement that wrote none). */
    void queued();
}
