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
 * The customer list's "Accepts email marketing" and "Email verified" choices: read as the admin API reads them, kept
 * on the next page and on the export link, a bad value named at its field.
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
}
