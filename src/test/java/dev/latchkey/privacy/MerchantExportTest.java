package dev.latchkey.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merchant fetches a shopper's data export for them: the shopper's own document, recorded, owners only. */
class MerchantExportTest extends ApiTest {
    private final StaffFixtures.Shop shop = StaffFixtures.shop(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, shop.tenant(), Map.of("first_name", "Grace"));

    private String path(String customerId) {
        return "/v1/admin/customers/" + customerId + "/export";
    }

    @Test
    void exportByTheMerchantThenTheShoppersOwnDocumentAndTheHandingOutIsRecordedAboutThem() {
        Fixtures.address(api, shopper);
        String owner = StaffFixtures.ownerToken(api, shop);
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(owner).header("User-Agent", "StaffBrowser/1.0")
                .body(Map.of("last_name", "Hopper")).send().expect(200);

        JsonNode byMerchant = api.get(path(shopper.customerId())).bearer(owner).header("User-Agent", "StaffBrowser/1.0")
                .send().expect(200).body();
        JsonNode own = api.get("/v1/me/export").as(shopper).send().expect(200).body();

        assertThat(byMerchant.fieldNames()).toIterable().containsExactlyElementsOf(() -> own.fieldNames());
        for (String section : new String[] {"profile", "consents", "addresses", "carts", "orders"}) {
            assertThat(byMerchant.path(section)).as(section).isEqualTo(own.path(section));
        }
        assertThat(byMerchant.path("profile").path("last_name").asText()).isEqualTo("Hopper");
        // handed to the shopper, so it withholds the merchant's own client data as the shopper's export does
        assertThat(byMerchant.path("audit_events").toString()).doesNotContain("StaffBrowser", shop.ownerId());
        JsonNode exported = own.path("audit_events").get(0);
        assertThat(exported.path("type").asText()).isEqualTo("customer.exported");
        assertThat(exported.path("data").path("by").asText()).isEqualTo("admin");
        JsonNode recorded = api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
        assertThat(recorded).singleElement().satisfies(event -> {
            assertThat(event.path("customer_id").asText()).isEqualTo(shopper.customerId());
            assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
            assertThat(event.path("user_agent").asText()).isEqualTo("StaffBrowser/1.0");
        });
    }

    @Test
    void exportBySecretKeyThenAllowedAndRecordedWithoutAStaffMember() {
        JsonNode export = api.get(path(shopper.customerId())).bearer(shop.tenant().sk()).send().expect(200).body();

        assertThat(export.path("profile").path("id").asText()).isEqualTo(shopper.customerId());
        JsonNode recorded = api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data").get(0);
        assertThat(recorded.path("staff_id").isNull()).isTrue();
    }

    @Test
    void headThenTheStatusAndTypeOfAnExportWithoutMakingOneOrRecordingIt() {
        var head = api.method("HEAD", path(shopper.customerId())).bearer(shop.tenant().sk()).send().expect(200);
        assertThat(head.header("Content-Type")).startsWith("application/json");
        assertThat(head.header("Content-Length")).as("the length of a document made only for a GET").isNull();
        api.method("HEAD", path("cus_unknown")).bearer(shop.tenant().sk()).send().expect(404);
        api.method("HEAD", "/v1/me/export").as(shopper).send().expect(200);

        assertThat(api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void exportWhenSupportPublishableKeyShopperOrNoKeyThenRefusedAndNothingRecorded() {
        api.get(path(shopper.customerId())).bearer(StaffFixtures.supportToken(api, shop)).send()
                .expect(403, "insufficient_scope");
        api.get(path(shopper.customerId())).bearer(shop.tenant().pk()).send().expect(403, "insufficient_scope");
        api.get(path(shopper.customerId())).as(shopper).send().expect(403, "insufficient_scope");
        api.get(path(shopper.customerId())).send().expect(401, "invalid_api_key");

        assertThat(api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void exportWhenUnknownErasedOrOtherTenantsCustomerThenNotFound() {
        var other = StaffFixtures.shop(api);
        var stranger = Fixtures.shopper(api, other.tenant());
        api.get(path(stranger.customerId())).bearer(shop.tenant().sk()).send().expect(404, "not_found");
        api.get(path("cus_unknown")).bearer(shop.tenant().sk()).send().expect(404, "not_found");
        api.delete("/v1/admin/customers/" + shopper.customerId()).bearer(shop.tenant().sk()).send().expect(204);
        api.get(path(shopper.customerId())).bearer(shop.tenant().sk()).send().expect(404, "not_found");

        assertThat(api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
        assertThat(api.get("/v1/admin/audit?type=customer.exported").bearer(other.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    /** An erasure that lands before the answer ends: no document that looks whole, and no handing out recorded. */
    @Test
    void exportWhenTheCustomerIsErasedBeforeTheAnswerEndsThenNotFoundAndNothingRecorded() throws Exception {
        var answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET email = email WHERE tenant_id = ? AND id = ?",
                        shop.tenant().id(), shopper.customerId()),
                () -> api.get(path(shopper.customerId())).bearer(shop.tenant().sk()).send(),
                new RowLocks.Sql("DELETE FROM customers WHERE tenant_id = ? AND id = ?", shop.tenant().id(),
                        shopper.customerId()));

        answer.expect(404, "not_found");
        assertThat(answer.raw()).doesNotContain("Grace").doesNotContain(shopper.email());
        assertThat(api.get("/v1/admin/audit?type=customer.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }
}
