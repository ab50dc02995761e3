package dev.latchkey.dashboard;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Merge a duplicate into this customer" on a customer's page: the duplicate is found by email or id, the page says
 * what moves and what is erased, and the merge needs the confirmation box and the form's CSRF token.
 */
class DashboardMergeTest extends ApiTest {
    private static String page(String keptId) {
        return "/dashboard/customers/" + keptId + "/merge";
    }

    private static String find(String keptId, String what) {
        return page(keptId) + "?find=" + URLEncoder.encode(what, StandardCharsets.UTF_8);
    }

    @Test
    void mergeWhenFoundByEmailAndConfirmedThenTheDuplicateIsMergedAndErased() {
        var shop = StaffFixtures.shop(api);
        var kept = Fixtures.shopper(api, shop.tenant());
        var duplicate = Fixtures.shopper(api, shop.tenant());
        Fixtures.address(api, duplicate);
        api.patch("/v1/admin/customers/" + duplicate.customerId()).bearer(shop.tenant().sk())
                .body(Map.of("tags", List.of("wholesale"))).send().expect(200);
        var client = StaffTwoStep.owner(api, shop);

        assertThat(client.get("/dashboard/customers/" + kept.customerId()).expect(200).html())
                .contains("href=\"" + page(kept.customerId()) + "\"");
        assertThat(client.get(page(kept.customerId())).expect(200).html()).contains("id=\"find\"")
                .doesNotContain("confirm-merge");
        var preview = client.get(find(kept.customerId(), duplicate.email().toUpperCase())).expect(200);
        assertThat(preview.html()).contains(duplicate.customerId()).contains("confirm-merge")
                .contains("1 address(es)").contains("1 tag(s)").contains("What is erased with the duplicate");

        client.submit(preview, page(kept.customerId()), Map.of("source_id", duplicate.customerId())).expect(422);
        client.post(page(kept.customerId()), Map.of("source_id", duplicate.customerId(), "confirm", "yes"))
                .expect(403);
        Tokens.introspect(api, shop.tenant(), duplicate.accessToken()).expect(200);

        client.submit(preview, page(kept.customerId()), Map.of("source_id", duplicate.customerId(), "confirm", "yes"))
                .expectRedirect("/dashboard/customers/" + kept.customerId() + "?notice=customers_merged");

        assertThat(client.get("/dashboard/customers/" + kept.customerId()).expect(200).html()).contains("wholesale")
                .contains("Unter den Linden 1");
        client.get("/dashboard/customers/" + duplicate.customerId()).expect(404);
        Tokens.assertRefused(api, shop.tenant(), duplicate.accessToken());
        var merged = AuditEvents.only(api, shop.tenant(), kept.customerId(), "customer.merged").path("data");
        assertThat(merged.path("source_id").asText()).isEqualTo(duplicate.customerId());
        assertThat(merged.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(AuditEvents.only(api, shop.tenant(), duplicate.customerId(), "customer.deleted").path("data")
                .path("staff_id").asText()).isEqualTo(shop.ownerId());
        // the same merge again: the duplicate is gone
        client.submit(preview, page(kept.customerId()), Map.of("source_id", duplicate.customerId(), "confirm", "yes"))
                .expect(404);
    }

    @Test
    void findWhenNobodyItselfOrAnotherShopsCustomerThenNoMergeIsOffered() {
        var shop = StaffFixtures.shop(api);
        var kept = Fixtures.shopper(api, shop.tenant());
        var stranger = Fixtures.shopper(api, Fixtures.tenant(api));
        var client = StaffTwoStep.owner(api, shop);

        for (String what : List.of("nobody@example.com", kept.email(), kept.customerId(), stranger.email(),
                stranger.customerId())) {
            assertThat(client.get(find(kept.customerId(), what)).expect(200).html()).as(what)
                    .contains("id=\"find-error\"").doesNotContain("confirm-merge")
                    .doesNotContain("<code>" + stranger.customerId());
        }
        var page = client.get(page(kept.customerId())).expect(200);
        client.submit(page, page(kept.customerId()), Map.of("source_id", stranger.customerId(), "confirm", "yes"))
                .expect(404);
        Tokens.introspect(api, shop.tenant(), kept.accessToken()).expect(200);
    }

    @Test
    void previewWhenTheMergeWouldBreakALimitThenItSaysSoAndOffersNoForm() {
        var shop = StaffFixtures.shop(api);
        var kept = Fixtures.shopper(api, shop.tenant());
        var duplicate = Fixtures.shopper(api, shop.tenant());
        api.patch("/v1/admin/customers/" + kept.customerId()).bearer(shop.tenant().sk())
                .body(Map.of("tags", IntStream.range(0, 250).mapToObj(i -> "t" + i).toList())).send().expect(200);
        api.patch("/v1/admin/customers/" + duplicate.customerId()).bearer(shop.tenant().sk())
                .body(Map.of("tags", List.of("one more"))).send().expect(200);
        var client = StaffTwoStep.owner(api, shop);

        var preview = client.get(find(kept.customerId(), duplicate.customerId())).expect(200);

        assertThat(preview.html()).contains("id=\"merge-refusal\"").contains("251 tags").doesNotContain("confirm-merge");
        client.submit(preview, page(kept.customerId()), Map.of("source_id", duplicate.customerId(), "confirm", "yes"))
                .expect(422);
        Tokens.introspect(api, shop.tenant(), duplicate.accessToken()).expect(200);
    }

    @Test
    void previewWhileAnotherTransactionHoldsTheDuplicateThenItAnswersWithoutWaitingForItsRow() throws Exception {
        var shop = StaffFixtures.shop(api);
        var kept = Fixtures.shopper(api, shop.tenant());
        var duplicate = Fixtures.shopper(api, shop.tenant());
        var client = StaffTwoStep.owner(api, shop);

        // a GET only reads: it must not queue behind (nor hold up) a write of either customer
        try (Connection writer = server.app.database().dataSource().getConnection()) {
            writer.setAutoCommit(false);
            try (PreparedStatement update = writer.prepareStatement(
                    "UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?")) {
                update.setString(1, shop.tenant().id());
                update.setString(2, duplicate.customerId());
                update.execute();
            }
            try {
                var preview = CompletableFuture.supplyAsync(() ->
                        client.get(find(kept.customerId(), duplicate.customerId())).expect(200));
                assertThat(preview.get(5, TimeUnit.SECONDS).html()).contains("confirm-merge");
            } finally {
                writer.rollback();
            }
        }
    }

    @Test
    void mergeWhenSupportThenNeitherLinkNorPage() {
        var shop = StaffFixtures.shop(api);
        var kept = Fixtures.shopper(api, shop.tenant());
        var duplicate = Fixtures.shopper(api, shop.tenant());
        var client = new DashboardClient(api.baseUrl());
        client.login(shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD).expect(303);

        var customer = client.get("/dashboard/customers/" + kept.customerId()).expect(200);
        assertThat(customer.html()).doesNotContain(page(kept.customerId()));
        client.get(find(kept.customerId(), duplicate.email())).expect(403);
        client.submit(customer, page(kept.customerId()), Map.of("source_id", duplicate.customerId(),
                "confirm", "yes")).expect(403);
        Tokens.introspect(api, shop.tenant(), duplicate.accessToken()).expect(200);
    }
}
