package dev.latchkey.db;

import dev.latchkey.audit.AuditLog;
import dev.latchkey.http.Json;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a housekeeping run goes through tenants and sweeps, with sweeps of the test's own. */
class HousekeepingRunTest {
    private final Database db = TestServer.shared().app.database();

    @Test
    void runWhenASweepFailsForOneTenantThenTheOtherTenantsAndSweepsStillRun() {
        List<String> swept = new ArrayList<>();
        var failing = Housekeeping.Job.once("failing rows", (h, tenant, now) -> {
            if (tenant.equals("a")) {
                throw new IllegalStateException("statement timed out");
            }
            swept.add("failing rows of " + tenant);
            return 1;
        });
        var counting = Housekeeping.Job.once("counted rows", (h, tenant, now) -> {
            swept.add("counted rows of " + tenant);
            return 2;
        });
        var housekeeping = new Housekeeping(db, () -> List.of("a", "b"), List.of(failing, counting), Clock.systemUTC());

        try (var log = LogCapture.of(Housekeeping.class)) {
            var deleted = housekeeping.run();

            assertThat(swept).containsExactly("counted rows of a", "failing rows of b", "counted rows of b");
            assertThat(deleted).containsEntry("failing rows", 1).containsEntry("counted rows", 4);
            assertThat(log.lines()).singleElement().asString().contains("failing rows").contains("tenant a");
        }
    }

    /** A retention just lowered meets more events than one batch deletes: every batch goes, the recent ones stay. */
    @Test
    void auditPurgeWhenMoreOldEventsThanOneBatchThenAllOfThemGoInBatches() {
        var tenant = Fixtures.tenant(TestServer.shared().api);
        Instant old = Instant.parse("2020-01-01T00:00:00Z");
        db.run(h -> {
            var insert = h.prepareBatch("INSERT INTO audit_events (tenant_id, id, type, data, created_at) "
                    + "VALUES (:tenant, :id, 'login.failed', '{}', :at)");
            insert.bind("tenant", tenant.id()).bind("id", "evt_recent").bind("at", Database.ts(Instant.now())).add();
            for (int i = 0; i < 2_501; i++) {
                insert.bind("tenant", tenant.id()).bind("id", "evt_old" + i)
                        .bind("at", Database.ts(old.plusSeconds(i))).add();
            }
            insert.execute();
        });
        var audit = new AuditLog(db, Json.mapper(), Clock.systemUTC());
        var retention = Housekeeping.Job.inBatches("audit events past retention",
                (h, tenantId, now) -> audit.purge(h, tenantId, now.minus(Duration.ofDays(365))));

        int firstBatch = db.tx(h -> retention.sweep().sweep(h, tenant.id(), Instant.now()));
        int deleted = new Housekeeping(db, () -> List.of(tenant.id()), List.of(retention), Clock.systemUTC()).run()
                .get("audit events past retention");

        assertThat(firstBatch).as("one sweep deletes one batch").isEqualTo(1_000);
        assertThat(firstBatch + deleted).isEqualTo(2_501);
        int left = db.read(h -> h.createQuery("SELECT COUNT(*) FROM audit_events WHERE tenant_id = :tenant AND "
                + "id LIKE 'evt_old%'").bind("tenant", tenant.id()).mapTo(Integer.class).one());
        assertThat(left).isZero();
        int recent = db.read(h -> h.createQuery("SELECT COUNT(*) FROM audit_events WHERE tenant_id = :tenant AND "
                + "id = 'evt_recent'").bind("tenant", tenant.id()).mapTo(Integer.class).one());
        assertThat(recent).as("the event within the retention stays").isOne();
    }
}
