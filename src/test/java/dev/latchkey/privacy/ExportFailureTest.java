package dev.latchkey.privacy;

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
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An export whose reading fails midway (here a statement cancelled on the database, as a failover would end it) answers
 * 500 while nothing went out yet, and breaks the transfer off once it has: the client must never take a document cut
 * short, or one with a problem appended, for a whole one.
 */
class ExportFailureTest extends ApiTest {
    @BeforeAll
    static void onlyOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "a statement is cancelled the PostgreSQL way");
    }

    private static HttpClient client() {
        return HttpClient.newHttpClient();
    }

    @Test
    void exportWhenAReadFailsMidwayThenTheTransferBreaksOff() throws Exception {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        Database db = server.app.database();
        // orders come before the audit events in the document: enough of them, numbered as gzip cannot shrink much,
        // that the answer is on its way (past the server's buffers) by the time the audit events are read
        db.run(h -> h.createUpdate("INSERT INTO orders (tenant_id, id, number, email, customer_id, status, currency, "
                        + "total, token_hash, placed_at, created_at, updated_at) SELECT :tenant, 'ord_x' || g, "
                        + "md5(g::text), :email, :customer, 'paid', 'EUR', 9.99, md5(g::text), ms, ms, ms "
                        // to the millisecond, as the service keeps its times and its page cursors name them
                        + "FROM generate_series(1, 5000) g, date_trunc('milliseconds', now()) ms")
                .bind("tenant", tenant.id()).bind("email", shopper.email()).bind("customer", shopper.customerId())
                .execute());
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.app.port() + "/v1/me/export"))
                .header("X-Api-Key", tenant.pk()).header("Authorization", "Bearer " + shopper.accessToken())
                // gzipped: a cut answer must still fail to read, not end as a whole gzip stream
                .header("Accept-Encoding", "gzip").build();

        try (var client = client()) {
            var answer = WaitingStatements.fail(db, "audit_events", "SELECT % FROM audit_events",
                    WaitingStatements.Ending.CANCEL,
                    () -> client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));

            Throwable failure = catchThrowable(() -> answer.get(10, TimeUnit.SECONDS));

            // before the answer went out the server can still say 500; once it is on its way the transfer breaks off
            if (failure == null) {
                var got = answer.get();
                assertThat(got.statusCode()).as("an answer that reads as complete").isEqualTo(500);
                assertThat(got.headers().firstValue("Content-Encoding")).isEmpty();
                assertThat(new String(got.body(), java.nio.charset.StandardCharsets.UTF_8))
                        .startsWith("{\"type\":").contains("\"code\":\"internal_error\"");
            } else {
                assertThat(failure).hasRootCauseInstanceOf(java.io.IOException.class);
            }
        }
        // the node serves on, and a whole export is a whole gzip stream
        var whole = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Encoding")).contains("gzip");
        String document;
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(whole.body()))) {
            document = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(document).startsWith("{\"generated_at\":").endsWith("]}");
    }
}
