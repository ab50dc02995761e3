package dev.latchkey.auth;

import dev.latchkey.db.Database;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.WaitingStatements;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A renewal that committed and then lost its connection, reading the shopper for its answer: 500, never 503 "try
 * again", since the presented tokens no longer work and a second try would be refused.
 */
class RenewConnectionLostTest extends ApiTest {
    @BeforeAll
    static void onlyOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "a connection is ended the PostgreSQL way");
    }

    @Test
    void renewWhenTheConnectionIsLostAfterItCommittedThenAFailureNotARetry() throws Exception {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        Database db = server.app.database();
        // a 500 is no part of the contract, so this one request goes without its check
        var request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/auth/renew"))
                .header("X-Api-Key", tenant.pk()).header("Authorization", "Bearer " + shopper.accessToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build();

        HttpResponse<String> answer;
        try (var client = HttpClient.newHttpClient()) {
            answer = WaitingStatements.fail(db, "carts", "SELECT c.*", WaitingStatements.Ending.TERMINATE,
                    () -> client.sendAsync(request, HttpResponse.BodyHandlers.ofString())).get(10, TimeUnit.SECONDS);
        }

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
        assertThat(answer.headers().firstValue("Retry-After")).isEmpty();
        api.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(401, "invalid_token");
    }
}
