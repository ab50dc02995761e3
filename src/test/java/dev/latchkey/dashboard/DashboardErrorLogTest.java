package dev.latchkey.dashboard;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.RefusingOutbox;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** A dashboard action whose statement the database refuses: logged without the values of the refused row. */
class DashboardErrorLogTest {
    private static final String SHOP = "https://shop.example.com";

    @Test
    void actionWhenTheDatabaseRefusesARowThenTheLogNamesTheFailureWithoutTheRowsValues() {
        // mail goes out over SMTP, as in production, not to the log
        try (TestSmtp smtp = TestSmtp.start(); LogCapture log = LogCapture.all();
             TestServer server = TestServer.dedicated(smtp.env())) {
            var shop = StaffFixtures.shop(server.api, Map.of("allowed_origins", List.of(SHOP)));
            var shopper = Fixtures.shopper(server.api, shop.tenant(), Map.of("verification_url", SHOP));
            RefusingOutbox.install(server);
            var owner = StaffTwoStep.owner(server.api, shop);
            String customerPage = "/dashboard/customers/" + shopper.customerId();

            var failed = owner.submit(owner.get(customerPage).expect(200), customerPage + "/verification/resend",
                    Map.of()).expect(500);

            RefusingOutbox.assertLoggedWithoutValues(log, failed.header("X-Request-Id"), shopper.email());
        }
    }
}
