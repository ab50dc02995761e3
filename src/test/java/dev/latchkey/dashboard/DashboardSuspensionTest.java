package dev.latchkey.dashboard;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A suspended shop's dashboard: its login is refused with a page that says so, and so is every page of a session. */
class DashboardSuspensionTest extends ApiTest {
    @Test
    void loginWhenShopSuspendedThenRefusedWithAPageSayingSoAndNoSession() {
        var shop = StaffFixtures.shop(api);
        Fixtures.status(api, shop.id(), "suspended");
        var client = new DashboardClient(api.baseUrl());

        var refused = client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expect(403);

        assertThat(refused.html()).contains("This shop is suspended").contains("value=\"" + shop.id() + "\"");
        assertThat(client.cookies()).doesNotContainKey(Dashboard.SESSION_COOKIE);
        assertThat(client.login(shop.id(), shop.ownerEmail(), "not the password at all").expect(401).html())
                .doesNotContain("suspended");
    }

    @Test
    void pagesWhenShopSuspendedDuringASessionThenSaySoAndTheSessionWorksAgainOnReactivation() {
        var shop = StaffFixtures.shop(api);
        var client = new DashboardClient(api.baseUrl());
        client.login(shop.id(), shop.ownerEmail(), shop.ownerPassword()).expectRedirect("/dashboard/customers");
        var customers = client.get("/dashboard/customers").expect(200);

        Fixtures.status(api, shop.id(), "suspended");

        for (String path : new String[] {"/dashboard/customers", "/dashboard/settings", "/dashboard/login"}) {
            var page = client.get(path).expect(403);
            assertThat(page.html()).contains("Shop suspended").contains("This shop is suspended")
                    .doesNotContain("Log out");
        }
        client.submit(customers, "/dashboard/logout", Map.of()).expect(403);
        assertThat(client.cookies()).containsKey(Dashboard.SESSION_COOKIE);

        Fixtures.status(api, shop.id(), "active");

        client.get("/dashboard/customers").expect(200);
    }
}
