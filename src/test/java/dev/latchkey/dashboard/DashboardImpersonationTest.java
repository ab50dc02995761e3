package dev.latchkey.dashboard;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The customer page names who of the merchant's is logged in as the customer, in the session's row. */
class DashboardImpersonationTest extends ApiTest {
    @Test
    void customerPageWhenStaffLoggedInAsTheCustomerThenTheSessionNamesThem() {
        var shop = StaffFixtures.shop(api, Map.of("staff_impersonation", true));
        var shopper = Fixtures.shopper(api, shop.tenant());
        String sessionId = api.post("/v1/admin/customers/" + shopper.customerId() + "/impersonation")
                .bearer(StaffFixtures.ownerToken(api, shop)).send().expect(201).str("session_id");
        var client = StaffTwoStep.owner(api, shop);

        String html = client.get("/dashboard/customers/" + shopper.customerId()).expect(200).html();

        assertThat(html).contains("data-session=\"" + sessionId + "\"",
                "data-impersonated-by=\"" + shop.ownerId() + "\"");
        assertThat(html.split("data-impersonated-by=", -1)).hasSize(2);
    }
}
