package dev.latchkey.mail;

import dev.latchkey.db.Database;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox keeps sent mail for 30 days and mail it gave up on for 90, then forgets both; queued mail stays. */
class OutboxPurgeTest {
    /** A database of its own: a purge reaches every tenant's mail. */
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of());

    private static final OutboxStore STORE = new OutboxStore();

    @Test
    void purgeWhenMailIsSentOrGivenUpLongAgoThenOnlyThatMailIsGone() {
        Database db = OWN.server().app.database();
        String tenant = Fixtures.tenant(OWN.api()).id();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // not yet due for the server's own worker, so that it leaves the queued mail queued
        Instant later = now.plus(Duration.ofDays(1));
        write(db, tenant, "mail_sent_31d", now.minus(Duration.ofDays(32)), later);
        db.run(h -> STORE.markSent(h, tenant, "mail_sent_31d", 1, now.minus(Duration.ofDays(31))));
        write(db, tenant, "mail_sent_29d", now.minus(Duration.ofDays(30)), later);
        db.run(h -> STORE.markSent(h, tenant, "mail_sent_29d", 1, now.minus(Duration.ofDays(29))));
        write(db, tenant, "mail_failed_91d", now.minus(Duration.ofDays(91)), later);
        db.run(h -> STORE.markFailed(h, tenant, "mail_failed_91d", 20, "550 mailbox unavailable"));
        write(db, tenant, "mail_failed_89d", now.minus(Duration.ofDays(89)), later);
        db.run(h -> STORE.markFailed(h, tenant, "mail_failed_89d", 20, "550 mailbox unavailable"));
        write(db, tenant, "mail_queued_100d", now.minus(Duration.ofDays(100)), later);

        // one row a batch here: each purge takes one, until none is left
        List<Integer> batches = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batches.add(db.withoutTransaction(h -> STORE.purge(h, now.minus(Duration.ofDays(30)),
                    now.minus(Duration.ofDays(90)), 1)));
        }

        // the server's own worker purges once when it starts, and on a slow machine that can be after the rows above
        // were written: then it took one of the two, and the batches here find one
        assertThat(batches).allSatisfy(batch -> assertThat(batch).isLessThanOrEqualTo(1));
        assertThat(batches.getLast()).isZero();

        List<String> left = db.read(h -> h.createQuery("SELECT id FROM mail_outbox WHERE tenant_id = :tenant "
                + "ORDER BY id").bind("tenant", tenant).mapTo(String.class).list());
        assertThat(left).containsExactly("mail_failed_89d", "mail_queued_100d", "mail_sent_29d");
    }

    /** A mail written at {@code createdAt}, due at {@code due}. */
    private static void write(Database db, String tenant, String id, Instant createdAt, Instant due) {
        var mail = new OutgoingMail(tenant, id, id + "@example.com", "verify_email", "Verify", "text", "<p>html</p>",
                null);
        db.run(h -> {
            STORE.insert(h, mail, null, "en", createdAt, null);
            h.createUpdate("UPDATE mail_outbox SET next_attempt_at = :due WHERE tenant_id = :tenant AND id = :id")
                    .bind("due", Database.ts(due)).bind("tenant", tenant).bind("id", id).execute();
        });
    }
}
