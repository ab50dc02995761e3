package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The customer list's action bar: tags and status of the ticked customers, through the admin API's bulk change. */
class DashboardBulkTest extends ApiTest {
    private static final Pattern BACK = Pattern.compile("name=\"back\" value=\"([^\"]*)\"");

    private static String back(DashboardClient.Page page) {
        Matcher m = BACK.matcher(page.html());
        assertThat(m.find()).as("the way back in %s", page.html()).isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    private static List<Map.Entry<String, String>> form(String back, String action, String tag, String status,
                                                        String... ids) {
        List<Map.Entry<String, String>> form = new ArrayList<>(List.of(Map.entry("back", back),
                Map.entry("action", action), Map.entry("tag", tag), Map.entry("status", status)));
        for (String id : ids) {
            form.add(Map.entry("ids", id));
        }
        return form;
    }

    private JsonNode customer(Fixtures.Tenant tenant, String id) {
        return api.get("/v1/admin/customers/" + id).bearer(tenant.sk()).send().expect(200).body();
    }

    @Test
    void tagWhenTickedCustomersThenEachTaggedAndTheListComesBackWithItsFiltersAndTheCount() {
        var shop = StaffFixtures.shop(api);
        var first = Fixtures.shopper(api, shop.tenant());
        var second = Fixtures.shopper(api, shop.tenant());
        var client = StaffTwoStep.owner(api, shop);
        var list = client.get("/dashboard/customers?status=active&q=").expect(200);
        assertThat(list.html()).contains("action=\"/dashboard/customers/bulk\"")
                .contains("name=\"ids\" value=\"" + first.customerId() + "\"");
        String back = back(list);
        assertThat(back).isEqualTo("q=&status=active");
        // the statuses a customer's page offers some customer; the list's filter still has all four
        String bulkStatus = list.html().substring(list.html().indexOf("id=\"bulk-status\""));
        assertThat(bulkStatus.substring(0, bulkStatus.indexOf("</select>")))
                .contains("value=\"active\"", "value=\"on_hold\"", "value=\"disabled\"")
                .doesNotContain("pending_activation");
        assertThat(list.html()).contains("value=\"pending_activation\"");

        client.submit(list, "/dashboard/customers/bulk", form(back, "add_tag", "vip, Berlin", "active",
                first.customerId(), second.customerId()))
                .expectRedirect("/dashboard/customers?q=&status=active&notice=customers_changed&changed=2&selected=2");

        for (var shopper : List.of(first, second)) {
            assertThat(customer(shop.tenant(), shopper.customerId()).path("tags").toString())
                    .isEqualTo("[\"Berlin\",\"vip\"]");
            JsonNode event = api.get("/v1/admin/audit?type=customer.updated&customer_id=" + shopper.customerId())
                    .bearer(shop.tenant().sk()).send().expect(200).body().path("data").get(0);
            assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        }
        assertThat(client.get("/dashboard/customers?q=&status=active&notice=customers_changed&changed=2&selected=2")
                .html()).contains("2 of 2 ticked customers were changed");

        // removing it again from one of them and one without: one changed; the page of a cursor is kept
        client.submit(list, "/dashboard/customers/bulk", form("status=active&cursor=abc&notice=evil&next=//x",
                "remove_tag", "VIP", "", first.customerId()))
                .expectRedirect("/dashboard/customers?status=active&cursor=abc&notice=customers_changed&changed=1"
                        + "&selected=1");
        assertThat(customer(shop.tenant(), first.customerId()).path("tags").toString()).isEqualTo("[\"Berlin\"]");
        // counts that are no counts are not shown
        assertThat(client.get("/dashboard/customers?notice=customers_changed&changed=9&selected=2").html())
                .contains("The ticked customers were changed").doesNotContain("9 of 2");
    }

    @Test
    void disableWhenTickedThenConfirmationAskedFirstAndSessionsEndAfterIt() {
        var shop = StaffFixtures.shop(api);
        var first = Fixtures.shopper(api, shop.tenant());
        var second = Fixtures.shopper(api, shop.tenant());
        var client = StaffTwoStep.owner(api, shop);
        var list = client.get("/dashboard/customers").expect(200);

        var confirm = client.submit(list, "/dashboard/customers/bulk", form("q=", "status", "", "disabled",
                first.customerId(), second.customerId())).expect(200);

        assertThat(confirm.html()).contains("Disable 2 ticked customers?").contains("name=\"confirm\" value=\"yes\"")
                .contains("href=\"/dashboard/customers?q=\"");
        assertThat(customer(shop.tenant(), first.customerId()).path("status").asText()).isEqualTo("active");
        api.get("/v1/me").key(shop.tenant().pk()).bearer(first.accessToken()).send().expect(200);

        List<Map.Entry<String, String>> confirmed = form("q=", "status", "", "disabled", first.customerId(),
                second.customerId());
        confirmed.add(Map.entry("confirm", "yes"));
        client.submit(confirm, "/dashboard/customers/bulk", confirmed)
                .expectRedirect("/dashboard/customers?q=&notice=customers_changed&changed=2&selected=2");

        for (var shopper : List.of(first, second)) {
            assertThat(customer(shop.tenant(), shopper.customerId()).path("status").asText()).isEqualTo("disabled");
            Tokens.assertRefused(api, shop.tenant(), shopper.accessToken());
        }
        // putting on hold asks nothing
        client.submit(list, "/dashboard/customers/bulk", form("", "status", "", "on_hold", first.customerId()))
                .expectRedirect("/dashboard/customers?notice=customers_changed&changed=1&selected=1");
    }

    @Test
    void formWhenNoCsrfOrNoPermissionOrBadInputThenRefusedAndNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var other = Fixtures.shopper(api, Fixtures.tenant(api));
        var client = StaffTwoStep.owner(api, shop);
        var list = client.get("/dashboard/customers").expect(200);
        String id = shopper.customerId();

        client.post("/dashboard/customers/bulk", Map.of("action", "status", "status", "on_hold", "ids", id))
                .expect(403);
        client.post("/dashboard/customers/bulk", Map.of("action", "status", "status", "on_hold", "ids", id,
                "_csrf", "forged")).expect(403);
        client.submit(list, "/dashboard/customers/bulk", form("", "add_tag", "vip", "")).expect(422);
        client.submit(list, "/dashboard/customers/bulk", form("", "delete", "", "", id)).expect(422);
        client.submit(list, "/dashboard/customers/bulk", form("", "add_tag", " ", "", id)).expect(422);
        client.submit(list, "/dashboard/customers/bulk", form("", "add_tag", "t".repeat(256), "", id)).expect(422);
        client.submit(list, "/dashboard/customers/bulk", form("", "status", "", "gone", id)).expect(422);
        // nobody is moved back to waiting for activation: refused as the customer's page refuses a status it lacks
        assertThat(client.submit(list, "/dashboard/customers/bulk", form("", "status", "", "pending_activation", id))
                .expect(422).html()).contains("Choose one of the offered statuses.");
        var foreign = client.submit(list, "/dashboard/customers/bulk", form("", "add_tag", "vip", "", id,
                other.customerId())).expect(422);
        assertThat(foreign.html()).contains(other.customerId());

        JsonNode after = customer(shop.tenant(), id);
        assertThat(after.path("version").asLong()).isEqualTo(1);
        assertThat(after.path("status").asText()).isEqualTo("active");

        // support may look, not change
        var support = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), StaffFixtures.addStaff(api, shop, "support"),
                Fixtures.PASSWORD);
        var theirs = support.get("/dashboard/customers").expect(200);
        assertThat(theirs.html()).doesNotContain("/dashboard/customers/bulk").doesNotContain("name=\"ids\"");
        support.submit(theirs, "/dashboard/customers/bulk", form("", "add_tag", "vip", "", id)).expect(403);
        assertThat(customer(shop.tenant(), id).path("tags")).isEmpty();
    }
}
