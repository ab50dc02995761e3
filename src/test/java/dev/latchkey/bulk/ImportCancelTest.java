package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Cancelling an import: queued, running (while the worker commits its batches), ended, or not the caller's. */
class ImportCancelTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_IMPORT_BATCH", "2",
            "LATCHKEY_IMPORT_POLL_MS", "50", "LATCHKEY_IMPORT_SLICE_MS", "0"));
    private static final String CSV = "text/csv";
    private static final String IMPORTS = "/v1/admin/customers/imports/";

    private static Api api() {
        return OWN.api();
    }

    private static Api.Res cancel(String key, String id) {
        return api().post(IMPORTS + id + "/cancel").bearer(key).send();
    }

    private static String upload(String key, int rows) {
        return BulkCalls.upload(api(), key, CSV, BulkCalls.emails(rows), "").expect(202).str("id");
    }

    private static int count(String sql, String tenantId) {
        return OWN.server().app.database().read(h -> h.createQuery(sql).bind("tenant", tenantId)
                .mapTo(Integer.class).one());
    }

    private static int files(String tenantId) {
        return count("SELECT COUNT(*) FROM customer_import_files WHERE tenant_id = :tenant", tenantId);
    }

    /** A shop whose imports stay queued: suspended, and the operator's key that opens its admin routes meanwhile. */
    private record Held(Fixtures.Tenant tenant, String key) {
        static Held shop() {
            var tenant = Fixtures.tenant(api());
            Fixtures.status(api(), tenant.id(), "suspended");
            return new Held(tenant, BulkCalls.rescueKey(api(), tenant.id()));
        }
    }

    @Test
    void cancelWhenQueuedThenCancelledFileDroppedRecordedAndItsPlaceFreed() {
        var held = Held.shop();
        for (int i = 0; i < 4; i++) {
            upload(held.key(), 1);
        }
        String id = upload(held.key(), 3);
        BulkCalls.upload(api(), held.key(), CSV, BulkCalls.emails(1), "").expect(409, "too_many_imports");

        JsonNode cancelled = cancel(held.key(), id).expect(200).body();

        assertThat(cancelled.path("id").asText()).isEqualTo(id);
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.path("total_rows").asInt()).isEqualTo(3);
        assertThat(cancelled.path("processed_rows").asInt()).isZero();
        assertThat(cancelled.path("finished_at").isNull()).isFalse();
        assertThat(api().get(IMPORTS + id).bearer(held.key()).send().expect(200).body()).isEqualTo(cancelled);
        assertThat(files(held.tenant().id())).as("files of the four still queued").isEqualTo(4);
        JsonNode event = api().get("/v1/admin/audit?type=customers.imported").bearer(held.key()).send().expect(200)
                .body().path("data");
        assertThat(event).singleElement().satisfies(e -> {
            assertThat(e.path("data").path("import_id").asText()).isEqualTo(id);
            assertThat(e.path("data").path("status").asText()).isEqualTo("cancelled");
            assertThat(e.path("data").path("by").asText()).isEqualTo("admin");
            assertThat(e.path("data").path("created").asInt()).isZero();
        });
        upload(held.key(), 1); // a cancelled job no longer counts against the five

        cancel(held.key(), id).expect(409, "import_finished");
        Fixtures.status(api(), held.tenant().id(), "active");
        JsonNode last = api().get("/v1/admin/customers/imports?limit=1").bearer(held.tenant().sk()).send()
                .expect(200).body().path("data").get(0);
        JsonNode ended = BulkCalls.await(api(), held.tenant().sk(), IMPORTS + last.path("id").asText());
        assertThat(ended.path("status").asText()).isEqualTo("succeeded");
        cancel(held.tenant().sk(), ended.path("id").asText()).expect(409, "import_finished");
        assertThat(api().get(IMPORTS + id).bearer(held.tenant().sk()).send().expect(200).body().path("status")
                .asText()).as("never run once the shop is active").isEqualTo("cancelled");
        assertThat(count("SELECT COUNT(*) FROM customers WHERE tenant_id = :tenant", held.tenant().id()))
                .as("the five others' customers").isEqualTo(5);
    }

    @Test
    void cancelWhenIdUnknownMalformedOrAnotherShopsOrCallerMayNotThenRefusedAndTheJobStaysQueued() {
        var held = Held.shop();
        var other = Fixtures.tenant(api());
        String id = upload(held.key(), 2);

        cancel(other.sk(), id).expect(404, "not_found");
        cancel(held.key(), "imp_unknown").expect(404, "not_found");
        cancel(held.key(), "imp%20" + id.substring(4)).expect(404, "not_found");
        cancel(held.key(), "imp_" + "a".repeat(100)).expect(404, "not_found");
        cancel(held.tenant().pk(), id).expect(403, "insufficient_scope");
        api().post(IMPORTS + id + "/cancel").send().expect(401);
        byte[] tooLarge = new byte[1024 * 1024 + 1];
        api().post(IMPORTS + id + "/cancel").bearer(held.key()).header("Content-Type", "application/json")
                .body(tooLarge).send().expect(413, "payload_too_large");
        var shop = StaffFixtures.shop(api());
        String support = StaffFixtures.supportToken(api(), shop);
        String theirs = upload(StaffFixtures.ownerToken(api(), shop), 1);
        cancel(support, theirs).expect(403, "insufficient_scope");
        assertThat(api().get(IMPORTS + id).bearer(held.key()).send().expect(200).body().path("status").asText())
                .isEqualTo("queued");

        // a body is not read: malformed JSON or not, the cancel goes ahead
        JsonNode cancelled = api().post(IMPORTS + id + "/cancel").bearer(held.key()).body("{\"reason\": ")
                .send().expect(200).body();
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertThat(files(held.tenant().id())).isZero();
    }

    @Test
    void cancelWhenAWorkerCommitsABatchMeanwhileThenItWaitsAndCountsThatBatch() throws Exception {
        var held = Held.shop();
        String id = upload(held.key(), 6);

        // as a worker's batch: its rows and its progress, committed while the cancel waits for the job's row
        Api.Res answer = RowLocks.commitWhileWaiting(OWN.server(), "UPDATE customer_imports SET status = 'running', "
                        + "processed_rows = 2, created_count = 1, skipped_count = 1 WHERE tenant_id = ? AND id = ?",
                () -> cancel(held.key(), id), held.tenant().id(), id);

        JsonNode cancelled = answer.expect(200).body();
        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        assertThat(cancelled.path("processed_rows").asInt()).isEqualTo(2);
        assertThat(cancelled.path("created").asInt()).isEqualTo(1);
        assertThat(cancelled.path("skipped").asInt()).isEqualTo(1);
        JsonNode event = api().get("/v1/admin/audit?type=customers.imported").bearer(held.key()).send().expect(200)
                .body().path("data").get(0).path("data");
        assertThat(event.path("created").asInt()).isEqualTo(1);
        assertThat(event.path("skipped").asInt()).isEqualTo(1);
    }

    @Test
    void cancelWhileRunningThenTheWorkerStopsAndNoRowLandsAfterTheAnswer() throws InterruptedException {
        var tenant = Fixtures.tenant(api());
        String id = upload(tenant.sk(), 400);
        Await.until(() -> api().get(IMPORTS + id).bearer(tenant.sk()).send().expect(200).body()
                .path("processed_rows").asInt() >= 6, 30_000, "a few batches done");

        JsonNode cancelled = cancel(tenant.sk(), id).expect(200).body();
        Thread.sleep(300); // six polls of the worker

        assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
        int processed = cancelled.path("processed_rows").asInt();
        assertThat(processed).isBetween(6, 399).isEqualTo(cancelled.path("created").asInt());
        assertThat(api().get(IMPORTS + id).bearer(tenant.sk()).send().expect(200).body()).isEqualTo(cancelled);
        assertThat(count("SELECT COUNT(*) FROM customers WHERE tenant_id = :tenant", tenant.id()))
                .as("customers imported: the rows committed before the cancel, no more").isEqualTo(processed);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE tenant_id = :tenant AND type = 'customer.created'",
                tenant.id())).isEqualTo(processed);
        assertThat(files(tenant.id())).isZero();
        cancel(tenant.sk(), id).expect(409, "import_finished");
        // the worker goes on with the next job
        String next = upload(tenant.sk(), 2);
        assertThat(BulkCalls.await(api(), tenant.sk(), IMPORTS + next).path("created").asInt()).isEqualTo(2);
    }

    @Test
    void cancelWhileTheWorkerTakesTurnsWithAnotherShopThenTheFileItKeptIsDroppedAtItsNextTurn() {
        var first = Fixtures.tenant(api());
        var second = Fixtures.tenant(api());
        String cancelled = upload(first.sk(), 400);
        String other = upload(second.sk(), 2000);
        ImportWorker worker = OWN.server().app.importWorker();
        Await.until(() -> worker.filesKept().containsAll(List.of(cancelled, other)), 30_000,
                "both files kept between their turns");

        cancel(first.sk(), cancelled).expect(200);
        assertThat(files(first.id())).as("the upload stored in the database, with the cancel").isZero();
        Await.until(() -> !worker.filesKept().contains(cancelled), 5_000, "the cancelled job's file let go");
        // meanwhile the worker was never idle (an idle worker lets every file go): the other shop's job still runs
        assertThat(api().get(IMPORTS + other).bearer(second.sk()).send().expect(200).body().path("status").asText())
                .isEqualTo("running");
        cancel(second.sk(), other).expect(200);
    }
}
