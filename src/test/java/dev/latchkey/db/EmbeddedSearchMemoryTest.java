package dev.latchkey.db;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the embedded database, a search whose term many customers match must leave nothing behind: H2 kept each
 * connection's recent statements parsed, and the customer search's kept statement held about 6 MB more with every run
 * (250 searches of a shop of 20,000 filled a 1 GB heap and ended the node).
 */
class EmbeddedSearchMemoryTest extends ApiTest {
    private static final int CUSTOMERS = 20_000;
    private static final int SEARCHES = 40;

    @BeforeAll
    static void onlyOnH2() {
        Assumptions.assumeFalse(TestDatabases.postgres(), "the statement cache is H2's");
    }

    @Test
    void searchWhenRepeatedThenTheHeapDoesNotGrowWithIt() {
        var tenant = Fixtures.tenant(api);
        server.app.database().run(h -> {
            var batch = h.prepareBatch("INSERT INTO customers (tenant_id, id, email, email_verified, status, "
                    + "accepts_marketing, attributes, created_at, updated_at, version, first_name, last_name, "
                    + "search_name, search_last_name) VALUES (:tenant, :id, :email, TRUE, 'active', FALSE, '{}', "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1, 'Uma', :last, :name, :lastKey)");
            for (int i = 0; i < CUSTOMERS; i++) {
                batch.bind("tenant", tenant.id()).bind("id", "cus_mem" + i).bind("email", "u" + i + "@big.example")
                        .bind("last", "Ulm" + i).bind("name", "uma ulm" + i).bind("lastKey", "ulm" + i).add();
            }
            batch.execute();
        });
        search(tenant); // the first run's classes and caches are not the growth looked for
        long before = usedHeap();

        for (int i = 0; i < SEARCHES; i++) {
            search(tenant);
        }

        // with the statement kept, the searches held on to about 240 MB
        assertThat(usedHeap() - before).isLessThan(80L * 1024 * 1024);
    }

    private void search(Fixtures.Tenant tenant) {
        assertThat(api.get("/v1/admin/customers?query=u&limit=1").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).hasSize(1);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
