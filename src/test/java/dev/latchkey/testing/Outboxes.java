package dev.latchkey.testing;

import java.util.Map;
import java.util.TreeMap;

/** Reading the mail outbox of a test server directly, where a test must see what was queued rather than sent. */
public final class Outboxes {
    private Outboxes() {
    }

    public static int count(TestServer server, String recipient) {
        return server.app.database().read(h -> h.createQuery(
                        "SELECT COUNT(*) FROM mail_outbox WHERE recipient = :recipient")
                .bind("recipient", recipient).mapTo(Integer.class).one());
    }

    /** Mail of one template to this address written to the outbox, sent or not. */
    public static int count(TestServer server, String recipient, String template) {
        return server.app.database().read(h -> h.createQuery(
                        "SELECT COUNT(*) FROM mail_outbox WHERE recipient = :recipient AND template = :template")
                .bind("recipient", recipient).bind("template", template).mapTo(Integer.class).one());
    }

    /** How many of the tenant's mails have each status. */
    public static Map<String, Integer> statuses(TestServer server, String tenantId) {
        Map<String, Integer> counts = new TreeMap<>();
        server.app.database().read(h -> h.createQuery(
                        "SELECT status, COUNT(*) AS n FROM mail_outbox WHERE tenant_id = :tenant GROUP BY status")
                .bind("tenant", tenantId)
                .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getInt("n"))).list())
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /** status, attempts and whether the token is still stored, of the newest mail to this address. */
    public static Map<String, Object> newest(TestServer server, String recipient) {
        return server.app.database().read(h -> h.createQuery(
                        "SELECT status, attempts, secret IS NOT NULL AS has_secret, last_error FROM mail_outbox "
                                + "WHERE recipient = :recipient ORDER BY created_at DESC LIMIT 1")
                .bind("recipient", recipient).mapToMap().one());
    }

    /**
     * {@link #newest} once the worker has finished with it: a mail is handed to the mailer (and shows in the dev
     * mailbox) a moment before its row is marked sent.
     */
    public static Map<String, Object> newestSettled(TestServer server, String recipient) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        Map<String, Object> newest = newest(server, recipient);
        while ("pending".equals(newest.get("status")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            newest = newest(server, recipient);
        }
        return newest;
    }
}
