package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A customer's address book kept from their page: the admin API's address routes, by the same rules. */
class DashboardAddressBookTest extends ApiTest {
    private final StaffFixtures.Shop shop = StaffFixtures.shop(api);
    private final Fixtures.Shopper shopper = Fixtures.shopper(api, shop.tenant());
    private final String page = "/dashboard/customers/" + shopper.customerId();

    private static Map<String, String> form(Object... overrides) {
        Map<String, String> form = new HashMap<>(Map.of("first_name", "Ada", "last_name", "Lovelace",
                "company", "", "line1", "Unter den Linden 1", "line2", "", "city", "Berlin", "region", "",
                "postal_code", "10117", "country", "de", "phone", ""));
        form.put("tags", "");
        for (int i = 0; i < overrides.length; i += 2) {
            form.put((String) overrides[i], (String) overrides[i + 1]);
        }
        return form;
    }

    private JsonNode ownBook() {
        return api.get("/v1/me/addresses").as(shopper).send().expect(200).body().path("data");
    }

    private JsonNode me() {
        return api.get("/v1/me").as(shopper).send().expect(200).body();
    }

    @Test
    void addEditMakeDefaultDeleteWhenOwnerThenTheShopperSeesEachAndTheStaffMemberIsRecorded() {
        var client = StaffTwoStep.owner(api, shop);
        assertThat(client.get(page).expect(200).html()).contains("href=\"" + page + "/addresses/new\"");
        var blank = client.get(page + "/addresses/new").expect(200);
        assertThat(blank.html()).contains("Add address").contains("name=\"line1\"");

        client.submit(blank, page + "/addresses/new", form("tags", "shipping_desk, HOME".toUpperCase()))
                .expectRedirect(page + "?notice=address_saved");
        JsonNode added = ownBook().get(0);
        String id = added.path("id").asText();
        assertThat(added.path("country").asText()).isEqualTo("DE");
        assertThat(added.path("company").isNull()).isTrue();
        assertThat(added.path("tags").toString()).isEqualTo("[\"SHIPPING_DESK\",\"HOME\"]");
        JsonNode created = StaffFixtures.events(api, shop, "address.created").get(0);
        assertThat(created.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(created.path("data").path("address_id").asText()).isEqualTo(id);
        var detail = client.get(page + "?notice=address_saved").expect(200);
        assertThat(detail.html()).contains("The address was saved.").contains("Unter den Linden 1")
                .contains(page + "/addresses/" + id + "/edit");

        var edit = client.get(page + "/addresses/" + id + "/edit").expect(200);
        assertThat(edit.html()).contains("value=\"Unter den Linden 1\"").contains("value=\"SHIPPING_DESK, HOME\"");
        client.submit(edit, page + "/addresses/" + id + "/edit", form("line2", "Hinterhaus", "tags", ""))
                .expectRedirect(page + "?notice=address_saved");
        JsonNode changed = ownBook().get(0);
        assertThat(changed.path("line2").asText()).isEqualTo("Hinterhaus");
        assertThat(changed.path("tags")).isEmpty();
        assertThat(StaffFixtures.events(api, shop, "address.updated").get(0).path("data").path("changed")
                .toString()).isEqualTo("[\"line2\",\"tags\"]");

        client.submit(detail, page + "/addresses/" + id + "/default", Map.of("type", "shipping"))
                .expectRedirect(page + "?notice=address_made_default");
        assertThat(me().path("default_shipping_address_id").asText()).isEqualTo(id);
        assertThat(me().path("default_billing_address_id").isNull()).isTrue();

        client.submit(detail, page + "/addresses/" + id + "/delete", Map.of())
                .expectRedirect(page + "?notice=address_deleted");
        assertThat(ownBook()).isEmpty();
        assertThat(me().path("default_shipping_address_id").isNull()).isTrue();
        assertThat(client.get(page + "?notice=address_deleted").expect(200).html())
                .contains("The address was deleted.").contains("No addresses.");
    }

    /**
     * The edit form sends every field, as a browser does: only those the staff member changed from what the form showed
     * are saved, so a field the shopper changed since the form was opened keeps the shopper's value.
     */
    @Test
    void editWhenTheShopperChangedAnotherFieldMeanwhileThenTheShoppersChangeStays() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        var client = StaffTwoStep.owner(api, shop);
        var edit = client.get(page + "/addresses/" + id + "/edit").expect(200);
        // what the browser sends: every input of the form with the value it shows (the CSRF token is added by submit)
        Map<String, String> sent = new HashMap<>();
        Matcher input = Pattern.compile("<input [^>]*?\\bname=\"([^\"]+)\"[^>]*? value=\"([^\"]*)\"")
                .matcher(edit.html());
        while (input.find()) {
            sent.put(input.group(1), input.group(2));
        }
        sent.remove("_csrf");
        assertThat(sent).containsEntry("line1", "Unter den Linden 1").containsEntry("city", "Berlin");

        api.patch("/v1/me/addresses/" + id).as(shopper).body(Map.of("city", "Potsdam", "postal_code", "14467"))
                .send().expect(200);
        sent.put("line2", "Hinterhaus");
        client.submit(edit, page + "/addresses/" + id + "/edit", sent).expectRedirect(page + "?notice=address_saved");

        JsonNode now = ownBook().get(0);
        assertThat(now.path("line2").asText()).isEqualTo("Hinterhaus");
        assertThat(now.path("city").asText()).isEqualTo("Potsdam");
        assertThat(now.path("postal_code").asText()).isEqualTo("14467");
        assertThat(StaffFixtures.events(api, shop, "address.updated").get(0).path("data").path("changed").toString())
                .isEqualTo("[\"line2\"]");
    }

    @Test
    void saveWhenAFieldIsRefusedThenTheFormAgainWithTheErrorBesideItAndNothingSaved() {
        var client = StaffTwoStep.owner(api, shop);
        var blank = client.get(page + "/addresses/new").expect(200);

        var badPostalCode = client.submit(blank, page + "/addresses/new", form("postal_code", "1234")).expect(422);
        assertThat(badPostalCode.html()).contains("id=\"address-postal-code-error\"")
                .contains("postal_code is not a postal code of DE").contains("aria-invalid=\"true\"")
                .contains("value=\"Unter den Linden 1\"").contains("value=\"1234\"");
        var missing = client.submit(blank, page + "/addresses/new", form("line1", " ", "city", "")).expect(422);
        assertThat(missing.html()).contains("id=\"address-line1-error\"").contains("id=\"address-city-error\"");
        var badTags = client.submit(blank, page + "/addresses/new", form("tags", "home")).expect(422);
        assertThat(badTags.html()).contains("id=\"address-tags-error\"").contains("value=\"home\"");
        assertThat(ownBook()).isEmpty();

        String id = Fixtures.address(api, shopper).path("id").asText();
        String other = Fixtures.address(api, shopper, Map.of("line1", "Unter den Linden 2")).path("id").asText();
        var edit = client.get(page + "/addresses/" + other + "/edit").expect(200);
        var twice = client.submit(edit, page + "/addresses/" + other + "/edit", form()).expect(409);
        assertThat(twice.html()).contains("id=\"address-line1-error\"").contains(id);
        var cleared = client.submit(edit, page + "/addresses/" + other + "/edit", form("country", "")).expect(422);
        assertThat(cleared.html()).contains("id=\"address-country-error\"");
        assertThat(ownBook().get(1).path("line1").asText()).isEqualTo("Unter den Linden 2");
        assertThat(StaffFixtures.events(api, shop, "address.updated")).isEmpty();
    }

    @Test
    void formsWhenSupportThenReadOnlyPageAndRefused() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        var client = StaffTwoStep.support(api, shop);

        var detail = client.get(page).expect(200);
        assertThat(detail.html()).contains("Unter den Linden 1").doesNotContain(page + "/addresses/new")
                .doesNotContain(page + "/addresses/" + id);
        client.get(page + "/addresses/new").expect(403);
        client.get(page + "/addresses/" + id + "/edit").expect(403);
        client.submit(detail, page + "/addresses/new", form("line1", "Elsewhere 1")).expect(403);
        client.submit(detail, page + "/addresses/" + id + "/edit", form("city", "Potsdam")).expect(403);
        client.submit(detail, page + "/addresses/" + id + "/default", Map.of("type", "both")).expect(403);
        client.submit(detail, page + "/addresses/" + id + "/delete", Map.of()).expect(403);

        assertThat(ownBook()).hasSize(1);
        assertThat(ownBook().get(0).path("city").asText()).isEqualTo("Berlin");
        assertThat(me().path("default_shipping_address_id").isNull()).isTrue();
    }

    @Test
    void formsWhenNoCsrfTokenThenRefusedAndNothingChanges() {
        String id = Fixtures.address(api, shopper).path("id").asText();
        var client = StaffTwoStep.owner(api, shop);

        client.post(page + "/addresses/new", form("line1", "Elsewhere 1")).expect(403);
        client.post(page + "/addresses/" + id + "/edit", form("city", "Potsdam")).expect(403);
        client.post(page + "/addresses/" + id + "/default", Map.of("type", "both")).expect(403);
        client.post(page + "/addresses/" + id + "/delete", Map.of()).expect(403);

        assertThat(ownBook()).hasSize(1);
        assertThat(ownBook().get(0).path("city").asText()).isEqualTo("Berlin");
        assertThat(me().path("default_shipping_address_id").isNull()).isTrue();
    }

    @Test
    void formsWhenAnotherCustomersAddressOrUnknownTypeThenRefusedAndNothingChanges() {
        var neighbour = Fixtures.shopper(api, shop.tenant());
        String neighbours = Fixtures.address(api, neighbour).path("id").asText();
        var client = StaffTwoStep.owner(api, shop);
        var detail = client.get(page).expect(200);

        client.get(page + "/addresses/" + neighbours + "/edit").expect(404);
        client.submit(detail, page + "/addresses/" + neighbours + "/edit", form("city", "Potsdam")).expect(404);
        client.submit(detail, page + "/addresses/" + neighbours + "/default", Map.of("type", "both")).expect(404);
        client.submit(detail, page + "/addresses/" + neighbours + "/delete", Map.of()).expect(404);
        client.get("/dashboard/customers/cus_unknown/addresses/new").expect(404);
        client.submit(detail, "/dashboard/customers/cus_unknown/addresses/new", form()).expect(404);
        client.submit(detail, "/dashboard/customers/" + neighbour.customerId() + "/addresses/" + neighbours
                + "/default", Map.of("type", "home")).expect(422);

        assertThat(api.get("/v1/me/addresses").as(neighbour).send().expect(200).body().path("data").get(0)
                .path("city").asText()).isEqualTo("Berlin");
        assertThat(ownBook()).isEmpty();
        assertThat(StaffFixtures.events(api, shop, "address.deleted")).isEmpty();
    }
}
