package dev.latchkey.bulk;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.WaitingStatements;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload counts the shop's unfinished imports under a lock of the shop's row and stores its file under it: on
 * PostgreSQL a row lock can hold up the inserts whose foreign keys refer to that row, and this one must not.
 */
class ImportUploadLockTest extends ApiTest {
    @BeforeAll
    static void onlyOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "H2's foreign keys take no lock of the tenant's row");
    }

    @Test
    void uploadWhileItStoresItsFileUnderTheShopsLockThenTheShopsShoppersStillSignUp() throws Exception {
        var tenant = Fixtures.tenant(api);

        // the upload has locked the shop's row and counted; its file's insert waits for the table
        Api.Res answer = WaitingStatements.whileWaiting(server.app.database(), "customer_import_files",
                "INSERT INTO customer_import_files", () -> CompletableFuture.supplyAsync(() ->
                        BulkCalls.upload(api, tenant.sk(), "text/csv", BulkCalls.emails(1), "")), () -> {
                    // a sign-up inserts rows that refer to the shop (customer, session, audit event)
                    var signUp = CompletableFuture.supplyAsync(() -> Fixtures.shopper(api, tenant));
                    assertThat(signUp).succeedsWithin(Duration.ofSeconds(5));
                }).get(10, TimeUnit.SECONDS);

        answer.expect(202);
    }
}
