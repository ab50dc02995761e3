package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one database, both import workers looking for jobs every few milliseconds and letting each go after
 * every row: each turn of a job is run by one of them, its rows once; a job whose worker stopped mid-way is taken over
 * from its first row not committed; two jobs of one shop run one after the other, whichever node they were sent to.
 */
class ImportTwoNodesTest {
    private static final Map<String, String> EAGER = Map.of("LATCHKEY_IMPORT_BATCH", "1",
            "LATCHKEY_IMPORT_POLL_MS", "10", "LATCHKEY_IMPORT_SLICE_MS", "0");
    private static final TestClock CLOCK = new TestClock();
    private static TestNode first;
    private static TestNode second;

    @BeforeAll
    static void startTwoNodes() {
        var database = TestDatabases.create();
        var clock = CLOCK;
        first = TestNode.start(database, clock, EAGER);
        second = TestNode.start(database, clock, EAGER);
    }

    @AfterAll
    static void stopNodes() {
        TestNode.closeAll(first, second);
    }

    private static String file(int rows) {
        StringBuilder csv = new StringBuilder("Email\n");
        for (int i = 0; i < rows; i++) {
            csv.append(Fixtures.uniqueEmail()).append('\n');
        }
        return csv.toString();
    }

    @Test
    void importsWhenTwoWorkersLookThenEachJobRunsOnceAndEveryRowOnce() {
        List<String> locations = new ArrayList<>();
        List<Fixtures.Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var tenant = Fixtures.tenant(first.api);
            tenants.add(tenant);
            var node = i % 2 == 0 ? first : second;
            locations.add(BulkCalls.upload(node.api, tenant.sk(), "text/csv", file(6), "").expect(202)
                    .header("Location"));
        }
        for (int i = 0; i < 4; i++) {
            JsonNode job = BulkCalls.await(second.api, tenants.get(i).sk(), locations.get(i));
            assertThat(job.path("created").asInt()).as("customers created by %s", locations.get(i)).isEqualTo(6);
            assertThat(job.path("skipped").asInt()).isZero();
            assertThat(job.path("failed_rows").asInt()).isZero();
            assertThat(first.api.get("/v1/admin/audit?type=customers.imported").bearer(tenants.get(i).sk()).send()
                    .expect(200).body().path("data")).hasSize(1);
            assertThat(first.api.get("/v1/admin/audit?type=customer.created&limit=100").bearer(tenants.get(i).sk())
                    .send().expect(200).body().path("data")).hasSize(6);
        }
    }

    @Test
    void importWhenItsWorkerStoppedMidwayThenAnotherGoesOnFromTheFirstRowNotCommitted() {
        var tenant = Fixtures.tenant(first.api);
        Fixtures.status(first.api, tenant.id(), "suspended");
        String rescue = first.api.post("/v1/platform/tenants/" + tenant.id() + "/secret-keys")
                .bearer(dev.latchkey.testing.TestServer.PLATFORM_TOKEN).send().expect(201).str("secret_key");
        String csv = file(4);
        String committedEarlier = csv.lines().skip(1).findFirst().orElseThrow();
        String location = BulkCalls.upload(first.api, rescue, "text/csv", csv, "").expect(202).header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        // as a node leaves it that stopped after committing the first row: running, its lease run out
        first.app.database().run(h -> h.createUpdate("UPDATE customer_imports SET status = 'running', "
                        + "leased_by = 'wrk_gone', leased_until = :past, processed_rows = 1, created_count = 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("past", java.time.OffsetDateTime.parse("2020-01-01T00:00:00Z"))
                .bind("tenant", tenant.id()).bind("id", id).execute());
        Fixtures.status(first.api, tenant.id(), "active");

        JsonNode job = BulkCalls.await(second.api, tenant.sk(), location);

        assertThat(job.path("processed_rows").asInt()).isEqualTo(4);
        assertThat(job.path("created").asInt()).isEqualTo(4);
        assertThat(second.api.get("/v1/admin/customers?query=" + committedEarlier).bearer(tenant.sk()).send()
                .expect(200).body().path("data")).as("the row committed before is not run again").isEmpty();
        assertThat(second.api.get("/v1/admin/audit?type=customer.created").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).hasSize(3);
    }

    @Test
    void importWhenCancelledOnOneNodeWhileBothTakeTurnsAtItThenNoRowLandsAfterTheAnswer() throws InterruptedException {
        var tenant = Fixtures.tenant(first.api);
        String location = BulkCalls.upload(second.api, tenant.sk(), "text/csv", file(300), "").expect(202)
                .header("Location");
        Await.until(() -> first.api.get(location).bearer(tenant.sk()).send().expect(200).body()
                .path("processed_rows").asInt() >= 4, 30_000, "a few rows done");

        JsonNode cancelled = first.api.post(location + "/cancel").bearer(tenant.sk()).send().expect(200).body();
        Thread.sleep(200); // twenty polls of each worker

        int processed = cancelled.path("processed_rows").asInt();
        assertThat(processed).isBetween(4, 299).isEqualTo(cancelled.path("created").asInt());
        assertThat(second.api.get(location).bearer(tenant.sk()).send().expect(200).body()).isEqualTo(cancelled);
        int customers = first.app.database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM customers WHERE tenant_id = :tenant").bind("tenant", tenant.id())
                .mapTo(Integer.class).one());
        assertThat(customers).as("the rows committed before the cancel, each once").isEqualTo(processed);
    }

    /** A shop's jobs as one statement reads them, so that both are seen at one moment: id to status and rows done. */
    private record Seen(String status, int processed) {
        static Map<String, Seen> of(String tenantId) {
            return first.app.database().read(h -> h.createQuery(
                            "SELECT id, status, processed_rows FROM customer_imports WHERE tenant_id = :tenant")
                    .bind("tenant", tenantId)
                    .map((rs, ctx) -> Map.entry(rs.getString("id"),
                            new Seen(rs.getString("status"), rs.getInt("processed_rows"))))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        }
    }

    @Test
    void importsOfOneShopWhenSentToTwoNodesThenTheyRunOneAtATimeInTheOrderSent() {
        var tenant = Fixtures.tenant(first.api);
        String older = BulkCalls.upload(first.api, tenant.sk(), "text/csv", file(30), "").expect(202).str("id");
        CLOCK.advance(Duration.ofMillis(1)); // queued a moment later, as a second upload is
        String younger = BulkCalls.upload(second.api, tenant.sk(), "text/csv", file(30), "").expect(202).str("id");

        Set<String> ended = Set.of("succeeded", "failed", "cancelled");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int samples = 0;
        Map<String, Seen> seen;
        do {
            assertThat(System.nanoTime()).as("both imports ended").isLessThan(deadline);
            seen = Seen.of(tenant.id());
            if (!ended.contains(seen.get(older).status())) {
                assertThat(seen.get(younger)).as("the younger job while the older one runs, sample %d", samples)
                        .isEqualTo(new Seen("queued", 0));
            }
            samples++;
        } while (!ended.contains(seen.get(younger).status()));

        assertThat(seen.get(older)).isEqualTo(new Seen("succeeded", 30));
        assertThat(seen.get(younger)).isEqualTo(new Seen("succeeded", 30));
        assertThat(samples).as("looks taken while they ran").isGreaterThan(10);
        assertThat(first.api.get("/v1/admin/audit?type=customer.created&limit=100").bearer(tenant.sk()).send()
                .expect(200).body().path("data")).hasSize(60);
    }
}
