package dev.latchkey.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL, a page of the customer list filtered by a flag or the consent's state reads about its own rows, and an
 * empty page next to none, however many customers the shop has: each is read along the index of its value and the
 * creation time (V64); the changes since a time ({@code updated_since}) of a status, a flag or the consent's state
 * along the index of that value and the change's time (V69). Before those a value that no customer has read all of
 * them for an empty page. Every list statement is explained (EXPLAIN ANALYZE) as it runs, with its own values; the
 * seeded shop's size is {@code -Dlatchkey.plans.customers} (20,000 unless given).
 */
class PostgresListPlansTest {
    private static final int CUSTOMERS = Integer.getInteger("latchkey.plans.customers", 20_000);
    /** One in this many customers has each rare value. */
    private static final int RARE = 1_000;
    /** A page of 5 and the row that tells whether there is a next, and the rare customers a page may read past. */
    private static final int READ_AT_MOST = 6 + CUSTOMERS / RARE;
    private static final Pattern LIST = Pattern.compile("^SELECT c\\.\\* FROM customers c\\b.*\\bLIMIT\\b",
            Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static StatementPlans plans;
    private static Fixtures.Tenant tenant;
    private static Instant first;

    @BeforeAll
    static void seedAShopOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "the plans of PostgreSQL");
        server = TestServer.dedicated(Map.of());
        Database db = server.app.database();
        plans = new StatementPlans(db, LIST, "EXPLAIN (ANALYZE, FORMAT JSON)");
        tenant = Fixtures.tenant(server.api);
        first = server.clock.instant().minus(Duration.ofMinutes(CUSTOMERS + 10));
        // active, verified and subscribed, but one in RARE of each: on hold, unverified, unsubscribed (apart); none
        // pending, nor never subscribed
        db.run(h -> h.createUpdate("INSERT INTO customers (tenant_id, id, email, email_verified, status, "
                        + "accepts_marketing, marketing_state, attributes, created_at, updated_at, version, "
                        + "search_name, search_last_name) SELECT :tenant, 'cus_p' || i, 'p' || i || '@shop.example', "
                        + "i % :rare <> 1, CASE WHEN i % :rare = 2 THEN 'on_hold' ELSE 'active' END, i % :rare <> 3, "
                        + "CASE WHEN i % :rare = 3 THEN 'unsubscribed' ELSE 'subscribed' END, '{}', "
                        + ":first + i * INTERVAL '1 minute', :first + i * INTERVAL '1 minute', 1, 'ann lee', 'lee' "
                        + "FROM generate_series(1, :count) i")
                .bind("tenant", tenant.id()).bind("rare", RARE).bind("count", CUSTOMERS)
                .bind("first", Database.ts(first)).execute());
        db.run(h -> h.execute("ANALYZE customers"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void listWhenFilteredByAFlagOrTheConsentStateThenAPageReadsAboutItsOwnRowsAlongTheirIndex() {
        Map<String, String> read = Map.of("email_verified=false", "customers_email_verified_created",
                "accepts_marketing=false", "customers_accepts_marketing_created",
                "marketing_state=unsubscribed", "customers_marketing_state_created",
                "status=active&email_verified=false", "customers_email_verified_created");
        read.forEach((filter, index) -> assertThat(page(filter).path("data")).as(filter).isNotEmpty());
        read.forEach((filter, index) -> assertThat(plansOf(filter)).as(filter).allMatch(p -> p.contains(index)));
        for (String common : List.of("email_verified=true", "accepts_marketing=true", "marketing_state=subscribed",
                "accepts_marketing=true&email_verified=true&status=active")) {
            assertThat(page(common).path("data")).as(common).hasSize(5);
        }
    }

    @Test
    void listWhenNoCustomerHasTheValueThenTheEmptyPageReadsNextToNothing() {
        for (String none : List.of("marketing_state=pending", "marketing_state=not_subscribed",
                "email_verified=false&accepts_marketing=false", "status=active&marketing_state=pending",
                "accepts_marketing=true&marketing_state=unsubscribed")) {
            assertThat(page(none).path("data")).as(none).isEmpty();
        }
    }

    @Test
    void changesWhenFilteredByAStatusAFlagOrTheConsentStateThenAPageReadsAlongTheIndexOfTheValueAndTheChange() {
        // every customer has changed since then: along the change's time alone, a page read them all for a rare value
        String since = "updated_since=" + first + "&";
        Map<String, String> read = Map.of("status=on_hold", "customers_status_updated",
                "email_verified=false", "customers_email_verified_updated",
                "accepts_marketing=false", "customers_accepts_marketing_updated",
                "marketing_state=unsubscribed", "customers_marketing_state_updated");
        read.forEach((filter, index) -> assertThat(page(since + filter).path("data")).as(filter).isNotEmpty());
        read.forEach((filter, index) -> assertThat(plansOf(since + filter)).as(filter)
                .allMatch(p -> p.contains(index)));
        for (String none : List.of("marketing_state=pending", "status=disabled",
                "email_verified=false&accepts_marketing=false", "status=active&marketing_state=not_subscribed")) {
            assertThat(page(since + none).path("data")).as(none).isEmpty();
        }
        assertThat(page(since + "accepts_marketing=true&email_verified=true&status=active").path("data")).hasSize(5);
    }

    /** The first page of the filter's customers, each statement of it checked to read at most {@link #READ_AT_MOST}. */
    private static JsonNode page(String filter) {
        plans.clear();
        JsonNode page = server.api.get("/v1/admin/customers?limit=5&" + filter).bearer(tenant.sk()).send().expect(200)
                .body();
        assertThat(plans.plans()).as(filter).isNotEmpty();
        for (String plan : plans.plans()) {
            assertThat(rowsRead(tree(plan))).as(filter + "\n" + plan).isLessThanOrEqualTo(READ_AT_MOST);
        }
        return page;
    }

    private static List<String> plansOf(String filter) {
        page(filter);
        return plans.plans();
    }

    private static JsonNode tree(String plan) {
        try {
            return JSON.readTree(plan).get(0).path("Plan");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The most rows any scan of the plan read: those it gave on and those its filter left, in all its loops. */
    private static long rowsRead(JsonNode node) {
        long read = node.path("Node Type").asText().contains("Scan")
                ? (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong())
                        * Math.max(1, node.path("Actual Loops").asLong()) : 0;
        for (JsonNode child : node.path("Plans")) {
            read = Math.max(read, rowsRead(child));
        }
        return read;
    }
}
