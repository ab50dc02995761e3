package dev.latchkey.mail;

import dev.latchkey.config.Config;
import dev.latchkey.db.Database;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker sending a batch through a slow mail server: each mail's lease must run from when its own send begins, or a
 * worker of another node would find the lease of a mail still being sent already expired and send it again.
 */
class OutboxLeaseTest {
    /** A database of its own: this worker's clock is centuries ahead, and its purge of old mail would reach others'. */
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of());

    @Test
    void deliverWhenEachSendOutlastsTheLeaseThenEveryMailIsStillLeasedWhileItIsSent() throws Exception {
        Database db = OWN.server().app.database();
        var tenant = Fixtures.tenant(OWN.api());
        OutboxStore store = new OutboxStore();
        // due only for this worker: the server's own worker, on the real time, leaves these mails alone
        Instant due = Instant.parse("9000-01-01T00:00:00Z");
        TestClock clock = new TestClock();
        clock.advance(Duration.between(clock.instant(), due).plusSeconds(1));
        for (int i = 0; i < 3; i++) {
            var mail = new OutgoingMail(tenant.id(), "mail_lease_" + i, "lease" + i + "@example.com",
                    "verify_email", "Verify", "text", "<p>html</p>", null);
            db.run(h -> store.insert(h, mail, null, "en", due, null));
        }
        List<String> overrun = new CopyOnWriteArrayList<>();
        CountDownLatch sent = new CountDownLatch(3);
        Mailer slowerThanTheLease = mail -> {
            Instant leasedUntil = db.read(h -> h.createQuery("SELECT leased_until FROM mail_outbox "
                            + "WHERE tenant_id = :tenant AND id = :id").bind("tenant", mail.tenantId())
                    .bind("id", mail.id()).map((rs, ctx) -> Database.instant(rs, "leased_until")).one());
            if (!leasedUntil.isAfter(clock.instant())) {
                overrun.add(mail.id() + " leased until " + leasedUntil + ", sent at " + clock.instant());
            }
            clock.advance(Duration.ofMinutes(3));
            sent.countDown();
        };

        try (var worker = new OutboxWorker(db, store, slowerThanTheLease,
                new Config.MailDelivery(50, 1_000, 60_000, 5), tenantId -> false, clock)) {
            worker.start();
            assertThat(sent.await(20, TimeUnit.SECONDS)).as("all three sent").isTrue();
        }

        assertThat(overrun).isEmpty();
    }
}
