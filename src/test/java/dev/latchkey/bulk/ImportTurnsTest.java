package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The import worker takes turns between shops, a batch of two rows per turn; a suspended shop's import stops. */
class ImportTurnsTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_IMPORT_BATCH", "2",
            "LATCHKEY_IMPORT_POLL_MS", "50", "LATCHKEY_IMPORT_SLICE_MS", "0"));
    private static final String CSV = "text/csv";

    private static Api api() {
        return OWN.api();
    }

    private static String upload(String key, int rows) {
        return BulkCalls.upload(api(), key, CSV, BulkCalls.emails(rows), "").expect(202).header("Location");
    }

    private static JsonNode read(String key, String location) {
        return api().get(location).bearer(key).send().expect(200).body();
    }

    private static Instant finishedAt(JsonNode job) {
        return Instant.parse(job.path("finished_at").asText());
    }

    @Test
    void importsWhenTwoShopsQueuedThenTheSecondShopsSmallFileEndsBeforeTheFirstShopsLargeOne() {
        var large = Fixtures.tenant(api());
        var small = Fixtures.tenant(api());
        String big = upload(large.sk(), 160);
        String after = upload(large.sk(), 2); // the large shop's next file waits for its first
        String quick = upload(small.sk(), 4);

        JsonNode quickJob = BulkCalls.await(api(), small.sk(), quick);
        JsonNode bigMeanwhile = read(large.sk(), big);

        assertThat(quickJob.path("status").asText()).isEqualTo("succeeded");
        assertThat(quickJob.path("created").asInt()).isEqualTo(4);
        assertThat(bigMeanwhile.path("status").asText()).isEqualTo("running");
        assertThat(bigMeanwhile.path("processed_rows").asInt()).as("rows of the large file done meanwhile")
                .isBetween(2, 159).isEqualTo(bigMeanwhile.path("created").asInt());
        assertThat(bigMeanwhile.path("finished_at").isNull()).isTrue();
        JsonNode bigJob = BulkCalls.await(api(), large.sk(), big);
        assertThat(bigJob.path("status").asText()).isEqualTo("succeeded");
        assertThat(bigJob.path("processed_rows").asInt()).isEqualTo(160);
        assertThat(bigJob.path("created").asInt()).isEqualTo(160);
        assertThat(finishedAt(quickJob)).isBefore(finishedAt(bigJob));
        JsonNode afterJob = BulkCalls.await(api(), large.sk(), after);
        assertThat(afterJob.path("created").asInt()).isEqualTo(2);
        assertThat(finishedAt(afterJob)).as("a shop's jobs run oldest first").isAfterOrEqualTo(finishedAt(bigJob));
        int created = OWN.server().app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM audit_events "
                + "WHERE tenant_id = :tenant AND type = 'customer.created'").bind("tenant", large.id())
                .mapTo(Integer.class).one());
        assertThat(created).as("each row imported once").isEqualTo(162);
    }

    @Test
    void importWhenShopSuspendedWhileRunningThenItStopsAtTheNextBatchAndGoesOnOnceActiveAgain()
            throws InterruptedException {
        var tenant = Fixtures.tenant(api());
        String location = upload(tenant.sk(), 60);
        Await.until(() -> read(tenant.sk(), location).path("processed_rows").asInt() >= 4, 30_000,
                "a few batches done");

        Fixtures.status(api(), tenant.id(), "suspended");
        String rescue = BulkCalls.rescueKey(api(), tenant.id());
        int atSuspension = read(rescue, location).path("processed_rows").asInt();
        Thread.sleep(500); // ten polls of the worker
        JsonNode paused = read(rescue, location);
        Thread.sleep(500);
        JsonNode stillPaused = read(rescue, location);

        assertThat(paused.path("processed_rows").asInt()).as("at most the batch it was on lands")
                .isBetween(atSuspension, atSuspension + 2);
        assertThat(stillPaused.path("processed_rows").asInt()).isEqualTo(paused.path("processed_rows").asInt())
                .isLessThan(60);
        assertThat(stillPaused.path("status").asText()).isEqualTo("running");
        assertThat(stillPaused.path("finished_at").isNull()).isTrue();

        Fixtures.status(api(), tenant.id(), "active");
        JsonNode done = BulkCalls.await(api(), tenant.sk(), location);
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("processed_rows").asInt()).isEqualTo(60);
        assertThat(done.path("created").asInt()).isEqualTo(60);
        assertThat(done.path("failed_rows").asInt()).isZero();
    }
}
