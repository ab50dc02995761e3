package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Cancelling an import from its page, on a server whose import worker is stopped: every job stays queued. */
class DashboardImportCancelTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of());

    @BeforeAll
    static void stopTheWorker() {
        OWN.server().app.importWorker().close();
    }

    private static Api api() {
        return OWN.api();
    }

    private static DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api(), shop);
    }

    private static JsonNode job(StaffFixtures.Shop shop, String id) {
        return api().get("/v1/admin/customers/imports/" + id).bearer(shop.tenant().sk()).send().expect(200).body();
    }

    @Test
    void ownerWhenCancellingAQueuedImportThenCancelledRecordedAsTheirsAndASecondCancelIsARefusalNotice() {
        var shop = StaffFixtures.shop(api());
        var client = owner(shop);
        String id = DashboardImportsTest.queued(DashboardImportsTest.upload(client, "skip",
                DashboardImportsTest.csv("Email\n" + Fixtures.uniqueEmail() + "\n" + Fixtures.uniqueEmail() + "\n")));

        var page = client.get("/dashboard/imports/" + id + "?notice=import_queued").expect(200);
        assertThat(page.html()).as("reloads, without the notice")
                .contains("<meta http-equiv=\"refresh\" content=\"3; url=/dashboard/imports/" + id + "\">")
                .contains("queued").contains("0 of 2").contains("Cancel import")
                .contains("The file was checked and the import queued.");
        assertThat(client.get("/dashboard/imports").expect(200).html()).contains("queued").contains("0 of 2");

        client.submit(page, "/dashboard/imports/" + id + "/cancel", Map.of())
                .expectRedirect("/dashboard/imports/" + id + "?notice=import_cancelled");

        assertThat(job(shop, id).path("status").asText()).isEqualTo("cancelled");
        var cancelled = client.get("/dashboard/imports/" + id + "?notice=import_cancelled").expect(200);
        assertThat(cancelled.html()).doesNotContain("http-equiv=\"refresh\"").doesNotContain("Cancel import")
                .contains("The import was cancelled.");
        JsonNode event = StaffFixtures.events(api(), shop, "customers.imported").get(0);
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(event.path("data").path("import_id").asText()).isEqualTo(id);
        assertThat(event.path("data").path("status").asText()).isEqualTo("cancelled");

        // the page's form sent again, the import having ended since
        client.submit(page, "/dashboard/imports/" + id + "/cancel", Map.of())
                .expectRedirect("/dashboard/imports/" + id + "?notice=import_finished");
        assertThat(client.get("/dashboard/imports/" + id + "?notice=import_finished").expect(200).html())
                .contains("<p class=\"notice refused\" role=\"alert\">Nothing was cancelled: the import had ended "
                        + "already.</p>");
        assertThat(StaffFixtures.events(api(), shop, "customers.imported")).hasSize(1);
    }

    @Test
    void cancelWhenCsrfIsMissingOrTheMemberIsSupportThenRefusedAndTheImportStaysQueued() {
        var shop = StaffFixtures.shop(api());
        String id = DashboardImportsTest.queued(DashboardImportsTest.upload(owner(shop), "skip",
                DashboardImportsTest.csv("Email\n" + Fixtures.uniqueEmail() + "\n")));
        var client = owner(shop);
        client.get("/dashboard/imports/" + id).expect(200);

        client.post("/dashboard/imports/" + id + "/cancel", Map.of()).expect(403);
        client.post("/dashboard/imports/" + id + "/cancel", Map.of("_csrf", "wrong")).expect(403);
        var support = StaffTwoStep.support(api(), shop);
        var page = support.get("/dashboard/customers").expect(200);
        support.submit(page, "/dashboard/imports/" + id + "/cancel", Map.of()).expect(403);

        assertThat(job(shop, id).path("status").asText()).isEqualTo("queued");
        assertThat(StaffFixtures.events(api(), shop, "customers.imported")).isEmpty();
    }
}
