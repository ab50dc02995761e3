package dev.latchkey.dashboard;

import dev.latchkey.testing.Await;
import dev.latchkey.testing.RelayedNode;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database goes away under a signed-in merchant: the dashboard answers its own 503 page within the pool timeout,
 * without waiting again to read the session for the page's frame, and serves again once the database is back.
 */
class DashboardOutageTest {
    private static RelayedNode relayed;

    @BeforeAll
    static void nodeBehindARelay() {
        relayed = RelayedNode.start(new TestClock(), Map.of("LATCHKEY_DATABASE_POOL_TIMEOUT", "1"));
    }

    @AfterAll
    static void stop() {
        if (relayed != null) {
            relayed.close();
        }
    }

    @Test
    void pageWhenTheDatabaseIsDownThenTheDashboards503PageAtOnceAndPagesAgainOnceItIsBack() {
        var shop = StaffFixtures.shop(relayed.node.api);
        var owner = StaffTwoStep.owner(relayed.node.api, shop);
        var newcomer = new DashboardClient(relayed.node.api.baseUrl());
        var loginForm = newcomer.get("/dashboard/login").expect(200);

        try {
            relayed.relay.cut();
            long started = System.nanoTime();
            var page = owner.get("/dashboard/customers");
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            var login = newcomer.submit(loginForm, "/dashboard/login", Map.of("tenant_id", shop.tenant().id(),
                    "email", shop.ownerEmail(), "password", shop.ownerPassword()));

            page.expect(503);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.header("Retry-After")).isEqualTo("5");
            assertThat(page.html()).contains("Unavailable for a moment").contains("try again shortly");
            // the page's own read of the session (1 s), and no second one for the error page's frame
            assertThat(waited).isLessThan(Duration.ofMillis(1_900));
            login.expect(503);
            assertThat(login.html()).contains("Unavailable for a moment");
        } finally {
            relayed.relay.restore();
        }

        Await.until(() -> owner.get("/dashboard/customers").status() == 200, 15_000, "the dashboard to serve again");
    }
}
