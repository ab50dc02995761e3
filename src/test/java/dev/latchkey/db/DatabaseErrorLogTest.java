package dev.latchkey.db;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import dev.latchkey.testing.RefusingOutbox;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TestSmtp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A statement the database refuses: the log says which statement failed and why, never with what values. */
class DatabaseErrorLogTest {
    private static final String SHOP = "https://shop.example.com";

    @Test
    void requestWhenTheDatabaseRefusesARowThenTheLogNamesTheFailureWithoutTheRowsValues() throws Exception {
        // mail goes out over SMTP, as in production, not to the log
        try (TestSmtp smtp = TestSmtp.start(); LogCapture log = LogCapture.all();
             TestServer server = TestServer.dedicated(smtp.env())) {
            var tenant = Fixtures.tenant(server.api, Map.of("allowed_origins", List.of(SHOP)));
            var shopper = Fixtures.shopper(server.api, tenant, Map.of("verification_url", SHOP));
            RefusingOutbox.install(server);

            // a 500 is no part of the contract, so this one request goes without its check
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.api.baseUrl() + "/v1/auth/password/forgot"))
                    .header("X-Api-Key", tenant.pk()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Api.json(Map.of("email", shopper.email())))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
            RefusingOutbox.assertLoggedWithoutValues(log, answer.headers().firstValue("X-Request-Id").orElseThrow(),
                    shopper.email());
        }
    }
}
