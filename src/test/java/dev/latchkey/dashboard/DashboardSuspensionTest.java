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
        var client = StaffTwoStep.owner(api, shop);
        var customers = client.get("/dashboard/customers").expect(200);

        Fixtures.status(api, shop.id(), "suspended");

        for (String path : new String[] {"/dashboard/customers", "/dashboard/settings"}) {
            var page = client.get(path).expect(403);
            assertThat(page.html()).contains("Shop suspended").contains("This shop is suspended")
                    .contains("Log out").doesNotContain("href=\"/dashboard/customers\"")
                    .doesNotContain("href=\"/dashboard/settings\"");
        }
        assertThat(client.cookies()).containsKey(Dashboard.SESSION_COOKIE);

        Fixtures.status(api, shop.id(), "active");

        client.get("/dashboard/customers").expect(200);
    }

    /** The browser is not stuck: the login form shows, and a login to another shop works and ends the old session. */
    @Test
    void loginWhenTheBrowserHoldsASuspendedShopsSessionThenAnotherShopsLoginWorks() {
        var suspended = StaffFixtures.shop(api);
        var other = StaffFixtures.shop(api);
        var client = StaffTwoStep.owner(api, suspended);
        String earlier = client.cookies().get(Dashboard.SESSION_COOKIE);
        Fixtures.status(api, suspended.id(), "suspended");

        assertThat(client.get("/dashboard/login").expect(200).html()).contains("Shop ID");
        client.login(other.id(), other.ownerEmail(), other.ownerPassword()).expectRedirect("/dashboard/customers");
        client.get("/dashboard/customers").expect(200);

        Fixtures.status(api, suspended.id(), "active");
        var again = new DashboardClient(api.baseUrl());
        again.cookies().put(Dashboard.SESSION_COOKIE, earlier);
        again.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
    }

    @Test
    void logoutWhenShopSuspendedThenTheSessionEndsAndStaysEnded() {
        var shop = StaffFixtures.shop(api);
        var client = StaffTwoStep.owner(api, shop);
        String cookie = client.cookies().get(Dashboard.SESSION_COOKIE);
        Fixtures.status(api, shop.id(), "suspended");

        var suspendedPage = client.get("/dashboard/customers").expect(403); // its Log out form is what staff see
        client.submit(suspendedPage, "/dashboard/logout", Map.of())
                .expectRedirect("/dashboard/login?notice=logged_out");
        Fixtures.status(api, shop.id(), "active");

        var again = new DashboardClient(api.baseUrl());
        again.cookies().put(Dashboard.SESSION_COOKIE, cookie);
        again.get("/dashboard/customers").expectRedirect("/dashboard/login?notice=expired");
    }
}
