package dev.latchkey.dashboard;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The customer list's filters as the admin API reads them: the "Accepts email marketing" and "Email verified"
 * choices kept on the next page and on the export link, a bad value named at its field; a search or status given twice
 * named at its field too, and several tags all required, as the API's repeatable {@code tag}.
 */
class DashboardCustomerFlagsTest extends ApiTest {
    private String customer(StaffFixtures.Shop shop, String email, boolean accepts, boolean verified) {
        String id = api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", email,
                "accepts_marketing", accepts, "email_verified", verified)).send().expect(201).str("id");
        server.clock.advance(Duration.ofSeconds(1));
        return id;
    }

    @Test
    void customerListWhenFlagsChosenThenOnlyTheirCustomersOnEveryPageAndInTheExport() {
        var shop = StaffFixtures.shop(api);
        List<String> accepting = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            accepting.add(customer(shop, "fan" + i + "@example.com", true, false));
        }
        customer(shop, "vera@example.com", false, true);
        customer(shop, "quiet@example.com", false, false);
        customer(StaffFixtures.shop(api), "other-shop@example.com", true, true);
        var client = StaffTwoStep.owner(api, shop);

        var first = client.get("/dashboard/customers?q=&status=&tag=&accepts_marketing=true&email_verified=")
                .expect(200).html();
        assertThat(first).contains("fan26@example.com", "<option value=\"true\" selected>Yes</option>")
                .doesNotContain("vera@example.com", "quiet@example.com", "other-shop@example.com", "fan1@example.com");
        String next = first.replaceAll("(?s).*href=\"([^\"]+)\" rel=\"next\".*", "$1").replace("&amp;", "&");
        assertThat(next).contains("accepts_marketing=true").doesNotContain("email_verified");
        assertThat(client.get(next).expect(200).html()).contains("fan0@example.com", "fan1@example.com")
                .doesNotContain("vera@example.com", "quiet@example.com", "fan2@example.com", "rel=\"next\"");
        assertThat(first).contains("href=\"/dashboard/customers/export?status=&amp;accepts_marketing=true\"",
                "who accepts email marketing");
        var download = client.get("/dashboard/customers/export?status=&accepts_marketing=true").expect(200).html();
        assertThat(download.lines().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList())
                .containsExactlyElementsOf(accepting.reversed());

        assertThat(client.get("/dashboard/customers?email_verified=true").expect(200).html())
                .contains("vera@example.com").doesNotContain("quiet@example.com", "fan0@example.com");
        var declining = client.get("/dashboard/customers?accepts_marketing=false&email_verified=false&q=qu")
                .expect(200).html();
        assertThat(declining).contains("quiet@example.com", "<option value=\"false\" selected>No</option>")
                .doesNotContain("vera@example.com", "fan0@example.com");
        assertThat(declining).contains("/dashboard/customers/export?status=&amp;accepts_marketing=false"
                + "&amp;email_verified=false\"");
    }

    @Test
    void customerListWhenAFlagIsNotYesOrNoThenNamedAtItsFieldAndNothingListed() {
        var shop = StaffFixtures.shop(api);
        customer(shop, "fan@example.com", true, true);
        var client = StaffTwoStep.owner(api, shop);

        for (String bad : List.of("accepts_marketing=maybe", "accepts_marketing=true&accepts_marketing=false",
                "email_verified=TRUE&accepts_marketing=true")) {
            String field = bad.startsWith("accepts") && !bad.contains("email") ? "accepts_marketing" : "email_verified";
            var refused = client.get("/dashboard/customers?" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(422);
            assertThat(refused.html()).as(bad)
                    .contains("id=\"" + field + "-error\">" + field + " must")
                    .contains("aria-describedby=\"" + field + "-error\"")
                    .doesNotContain("fan@example.com");
        }
        assertThat(client.get("/dashboard/customers/export?accepts_marketing=yes").expect(422)
                .header("Content-Disposition")).isNull();
        assertThat(api.get("/v1/admin/audit?type=customers.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
        assertThat(client.get("/dashboard/customers?accepts_marketing=&email_verified=").expect(200).html())
                .contains("fan@example.com");
    }

    @Test
    void customerListWhenSearchOrStatusGivenTwiceThenNamedAtItsFieldAndNothingListedNorExported() {
        var shop = StaffFixtures.shop(api);
        customer(shop, "fan@example.com", true, true);
        var client = StaffTwoStep.owner(api, shop);

        for (String field : List.of("q", "status")) {
            String twice = field.equals("q") ? "q=fan&q=zed" : "status=active&status=disabled";
            var refused = client.get("/dashboard/customers?" + twice);
            assertThat(refused.status()).as(twice).isEqualTo(422);
            assertThat(refused.html()).as(twice)
                    .contains("id=\"" + field + "-error\">" + field + " must be given once.")
                    .contains("aria-describedby=\"" + field + "-error\"")
                    .doesNotContain("fan@example.com", "Export CSV");
        }
        for (String twice : List.of("status=active&status=active", "tag=a&tag=b&tag=c&tag=d&tag=e&tag=f&tag=g&tag=h"
                + "&tag=i&tag=j&tag=k")) {
            assertThat(client.get("/dashboard/customers/export?" + twice).expect(422).header("Content-Disposition"))
                    .as(twice).isNull();
        }
        assertThat(api.get("/v1/admin/audit?type=customers.exported").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data")).isEmpty();
        assertThat(client.get("/dashboard/customers?tag=" + "t&tag=".repeat(10) + "t").expect(422).html())
                .contains("id=\"tag-error\">tag may be given at most 10 times.");
    }

    @Test
    void customerListWhenTagGivenSeveralTimesThenCustomersWithAllOfThemAsTheApiListsThem() {
        var shop = StaffFixtures.shop(api);
        String both = api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email",
                "both@example.com", "tags", List.of("vip", "Berlin"))).send().expect(201).str("id");
        api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", "vip@example.com",
                "tags", List.of("vip"))).send().expect(201);
        var client = StaffTwoStep.owner(api, shop);

        var listed = client.get("/dashboard/customers?tag=vip&tag=+berlin+&tag=").expect(200).html();
        assertThat(listed).contains("both@example.com").doesNotContain("vip@example.com")
                .contains("id=\"tag\" name=\"tag\" type=\"search\" maxlength=\"255\" value=\"vip\"",
                        "name=\"tag\" type=\"search\" maxlength=\"255\" value=\"berlin\" aria-label=\"And tag\"",
                        "href=\"/dashboard/customers/export?status=&amp;tag=vip&amp;tag=berlin\"", "tagged vip and berlin");
        var download = client.get("/dashboard/customers/export?status=&tag=vip&tag=berlin").expect(200).html();
        assertThat(download.lines().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList())
                .containsExactly(both);
        assertThat(client.get("/dashboard/customers?tag=vip").expect(200).html())
                .contains("both@example.com", "vip@example.com");
    }

    @Test
    void customerPageWhenShopperAwaitsTheConfirmationThenShowsTheConsentStateAndLevel() {
        var shop = StaffFixtures.shop(api);
        api.patch("/v1/admin/settings").bearer(shop.tenant().sk()).body(Map.of("marketing_double_opt_in", true))
                .send().expect(200);
        var shopper = Fixtures.shopper(api, shop.tenant(), Map.of("accepts_marketing", true));
        String subscribed = customer(shop, "fan@example.com", true, false);
        var client = StaffTwoStep.owner(api, shop);
        assertThat(client.get("/dashboard/customers/" + shopper.customerId()).expect(200).html())
                .contains("<dd id=\"marketing-consent\">pending (confirmed opt in), since ");
        assertThat(client.get("/dashboard/customers/" + subscribed).expect(200).html())
                .contains("<dd id=\"marketing-consent\">subscribed (unknown), since ");
    }

    @Test
    void customerListWhenMarketingStateChosenThenOnlyItsCustomersKeptOnTheExportLinkAndABadOneNamedAtItsField() {
        var shop = StaffFixtures.shop(api);
        customer(shop, "fan@example.com", true, true);
        customer(shop, "quiet@example.com", false, false);
        String gone = customer(shop, "gone@example.com", true, false);
        api.patch("/v1/admin/customers/" + gone).bearer(shop.tenant().sk()).body(Map.of("accepts_marketing", false))
                .send().expect(200);
        var client = StaffTwoStep.owner(api, shop);

        var unsubscribed = client.get("/dashboard/customers?q=&status=&marketing_state=unsubscribed&email_verified=")
                .expect(200).html();
        assertThat(unsubscribed).contains("gone@example.com",
                        "<option value=\"unsubscribed\" selected>unsubscribed</option>",
                        "href=\"/dashboard/customers/export?status=&amp;marketing_state=unsubscribed\"",
                        "whose email marketing consent is unsubscribed")
                .doesNotContain("fan@example.com", "quiet@example.com");
        var download = client.get("/dashboard/customers/export?status=&marketing_state=unsubscribed").expect(200)
                .html();
        assertThat(download.lines().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList())
                .containsExactly(gone);
        assertThat(client.get("/dashboard/customers?marketing_state=not_subscribed&accepts_marketing=false")
                .expect(200).html()).contains("quiet@example.com").doesNotContain("gone@example.com",
                "fan@example.com");

        for (String bad : List.of("marketing_state=Pending", "marketing_state=pending&marketing_state=pending")) {
            var refused = client.get("/dashboard/customers?" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(422);
            assertThat(refused.html()).as(bad)
                    .contains("id=\"marketing_state-error\">marketing_state must")
                    .doesNotContain("fan@example.com");
            assertThat(client.get("/dashboard/customers/export?" + bad).status()).as(bad).isEqualTo(422);
        }
    }
}
