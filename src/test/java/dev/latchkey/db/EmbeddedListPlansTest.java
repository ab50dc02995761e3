package dev.latchkey.db;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestServer;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On H2, a page of the merchant's lists reads about as many rows as it shows, however many the tenant has: each list is
 * read along an index in its own order (V34, and the lists' ORDER BY naming the index's columns), and a search reads
 * its term's range of each index. Every list statement the routes run is explained (EXPLAIN ANALYZE) as it runs, with
 * its own values; before V34, a page of the orders, the audit log or the customers read all 1,000 of the tenant's. A
 * page of customers reads the orders of its own customers only, for their order summaries.
 */
class EmbeddedListPlansTest {
    private static final int ROWS = 1_000;
    /** A page of 5 reads 6 rows; the most a filter here leaves to be read past is one customer's 10 orders. */
    private static final int READ_AT_MOST = 12;
    /** A page of a list, or the order summaries of a page of customers (each customer's orders, without a LIMIT). */
    private static final Pattern LIST = Pattern.compile("^SELECT .*(\\bFROM (orders|audit_events|customers|customer_tags)"
            + "\\b.*\\bLIMIT\\b|\\btheir_orders\\b)", Pattern.DOTALL);
    private static final Pattern SCANNED = Pattern.compile("scanCount: (\\d+)");
    private static StatementPlans plans;
    private static TestServer server;
    private static Fixtures.Tenant tenant;
    private static Instant first;

    @BeforeAll
    static void seedATenantOnH2() {
        Assumptions.assumeFalse(TestDatabases.postgres(), "PostgreSQL reads its indexes in either direction");
        server = TestServer.dedicated(Map.of());
        Database db = server.app.database();
        plans = new StatementPlans(db, LIST, "EXPLAIN ANALYZE");
        tenant = Fixtures.tenant(server.api);
        first = server.clock.instant().minus(Duration.ofMinutes(ROWS + 10));
        db.run(EmbeddedListPlansTest::seed);
        // the statistics H2 gathers by itself once a table has had 2,000 changes: the order summaries' statement has
        // no order to choose its index by, and H2 takes the index whose columns tell most rows apart
        db.run(h -> h.execute("ANALYZE"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Of 100 customers: 10 orders and 9 events each, in 1,000 minutes; the other orders of guests. Two in three
     * customers accept email marketing, three in four have verified their email.
     */
    private static void seed(Handle h) {
        var customers = h.prepareBatch("INSERT INTO customers (tenant_id, id, email, email_verified, status, "
                + "accepts_marketing, attributes, created_at, updated_at, version, first_name, last_name, search_name, "
                + "search_last_name) VALUES (:tenant, :id, :email, :verified, :status, :accepts, '{}', :at, :at, 1, "
                + "'Ann', 'Lee', :name, 'lee')");
        var orders = h.prepareBatch("INSERT INTO orders (tenant_id, id, number, email, customer_id, status, currency, "
                + "total, token_hash, placed_at, created_at, updated_at) VALUES (:tenant, :id, :id, :email, :customer, "
                + ":status, 'EUR', 10, :id, :at, :at, :at)");
        var events = h.prepareBatch("INSERT INTO audit_events (tenant_id, id, customer_id, type, data, created_at) "
                + "VALUES (:tenant, :id, :customer, :type, '{}', :at)");
        // "rare": 10 customers, "pair": 5 of them; "half": every other customer
        var tags = h.prepareBatch("INSERT INTO customer_tags (tenant_id, customer_id, tag, tag_key) "
                + "VALUES (:tenant, :customer, :tag, :key)");
        List<String> statuses = List.of("pending", "paid", "fulfilled", "cancelled", "refunded");
        List<String> types = List.of("login.succeeded", "login.failed", "customer.updated", "password.changed");
        for (int i = 0; i < ROWS; i++) {
            var at = Database.ts(first.plus(Duration.ofMinutes(i)));
            String customer = "cus_p" + i % 100;
            customers.bind("tenant", tenant.id()).bind("id", "cus_p" + i).bind("email", "p" + i + "@shop.example")
                    .bind("status", i % 20 == 1 ? "on_hold" : "active").bind("name", "ann" + i % 100 + " lee")
                    .bind("accepts", i % 3 != 0).bind("verified", i % 4 != 3)
                    .bind("at", at).add();
            orders.bind("tenant", tenant.id()).bind("id", "ord_p" + i)
                    .bind("email", i % 2 == 0 ? "p" + i % 100 + "@shop.example" : "g" + i % 50 + "@shop.example")
                    .bind("customer", i % 2 == 0 ? customer : null).bind("status", statuses.get(i % 5))
                    .bind("at", at).add();
            events.bind("tenant", tenant.id()).bind("id", "evt_p" + i).bind("customer", i % 10 == 0 ? null : customer)
                    .bind("type", types.get(i % 4)).bind("at", at).add();
            for (String tag : i % 100 == 7 ? (i % 200 == 7 ? List.of("Rare", "pair", "half") : List.of("Rare"))
                    : i % 2 == 0 ? List.of("half") : List.<String>of()) {
                tags.bind("tenant", tenant.id()).bind("customer", "cus_p" + i).bind("tag", tag)
                        .bind("key", tag.toLowerCase(java.util.Locale.ROOT)).add();
            }
        }
        customers.execute();
        tags.execute();
        orders.execute();
        events.execute();
    }

    @Test
    void listWhenTheTenantHasManyRowsThenAPageReadsAboutItsOwnRows() {
        String since = first.plus(Duration.ofMinutes(200)).toString();
        String until = first.plus(Duration.ofMinutes(700)).toString();
        for (String orders : List.of("", "&status=paid", "&email=p8@shop.example", "&customer_id=cus_p8",
                "&customer_id=cus_p8&status=cancelled", "&email=g7@shop.example&status=fulfilled",
                "&customer_id=cus_p8&email=p8@shop.example&status=cancelled", "&since=" + since, "&until=" + until,
                "&since=" + since + "&until=" + until, "&status=paid&since=" + since + "&until=" + until,
                "&email=g7@shop.example&since=" + since + "&until=" + until,
                "&customer_id=cus_p8&since=" + since + "&until=" + until)) {
            readsAboutItsPage("/v1/admin/orders?limit=5" + orders);
        }
        String newestOrder = page("/v1/admin/orders?limit=1").path("next_cursor").asText();
        readsAboutItsPage("/v1/admin/orders?limit=5&until=" + until + "&cursor=" + newestOrder);
        readsAboutItsPage("/v1/admin/customers/cus_p8/orders?limit=5");
        for (String events : List.of("", "&customer_id=cus_p8", "&type=login.failed",
                "&customer_id=cus_p8&type=login.succeeded", "&since=" + since, "&until=" + until,
                "&since=" + since + "&until=" + until, "&type=login.failed&since=" + since + "&until=" + until)) {
            readsAboutItsPage("/v1/admin/audit?limit=5" + events);
        }
        String newest = page("/v1/admin/audit?limit=1").path("next_cursor").asText();
        readsAboutItsPage("/v1/admin/audit?limit=5&until=" + until + "&cursor=" + newest);
        for (String customers : List.of("", "&status=on_hold", "&query=ann42", "&query=ann42&status=active",
                "&updated_since=" + since, "&updated_since=" + since + "&status=active", "&tag=half&query=ann42",
                "&accepts_marketing=true", "&accepts_marketing=true&email_verified=true",
                "&status=on_hold&accepts_marketing=true", "&query=ann42&accepts_marketing=true",
                "&updated_since=" + since + "&accepts_marketing=true")) {
            readsAboutItsPage("/v1/admin/customers?limit=5" + customers);
        }
        // a flag or the consent's state alone is read along its own index (V64), whatever share of the customers it
        // keeps, and a value none has reads nothing
        for (String flagged : List.of("&email_verified=false", "&accepts_marketing=false",
                "&email_verified=false&accepts_marketing=true", "&marketing_state=not_subscribed")) {
            readsAboutItsPage("/v1/admin/customers?limit=5" + flagged);
        }
        for (String none : List.of("&marketing_state=pending", "&marketing_state=unsubscribed&email_verified=true")) {
            assertThat(page("/v1/admin/customers?limit=5" + none, 1).path("data")).as(none).isEmpty();
        }
        // with the status, the status's index is read and the flag checked on each row: a page reads past those the
        // filter leaves, about three rows for each of its six (the page and one more) when a quarter are kept
        readsAtMost("/v1/admin/customers?limit=5&accepts_marketing=false&status=active", 4 * 6);
        // the changes since a time, of a status, a flag or the consent's state, are read along the index of that value
        // and the change's time (V69), whatever share of the changed customers it keeps (one in twenty is on hold),
        // and a value none has reads nothing
        for (String changed : List.of("&status=on_hold", "&email_verified=false", "&accepts_marketing=false",
                "&marketing_state=not_subscribed", "&email_verified=false&accepts_marketing=true",
                "&status=on_hold&email_verified=true")) {
            readsAboutItsPage("/v1/admin/customers?limit=5&updated_since=" + since + changed);
        }
        for (String none : List.of("&marketing_state=pending", "&status=disabled",
                "&marketing_state=subscribed&email_verified=false")) {
            assertThat(page("/v1/admin/customers?limit=5&updated_since=" + since + none, 1).path("data")).as(none)
                    .isEmpty();
        }
        // a tag's customers are read from the tags' index, the rarest tag's only: 10 of the 1,000 (H2 counts each
        // customer's row twice, once for the index's entry and once for the row). Each tag is counted first: H2 reads
        // all of a tag's entries for it, up to 20,000, so a common tag beside a rare one costs those entries
        for (String tagged : List.of("&tag=rare", "&tag=RARE&status=active", "&tag=rare&tag=pair", "&tag=pair&tag=rare",
                "&tag=rare&query=ann7%20lee", "&updated_since=" + first + "&tag=rare",
                "&updated_since=" + first + "&tag=pair&tag=rare",
                "&tag=rare&accepts_marketing=true&email_verified=false")) {
            readsAtMost("/v1/admin/customers?limit=5" + tagged, 2 * 10 + 2);
        }
    }

    /** The first page of the list and the next one: no statement of either reads more than {@link #READ_AT_MOST}. */
    private static void readsAboutItsPage(String path) {
        readsAtMost(path, READ_AT_MOST);
    }

    private static void readsAtMost(String path, int rows) {
        JsonNode page = page(path, rows);
        assertThat(page.path("data")).as(path).isNotEmpty();
        if (!page.path("next_cursor").isNull()) {
            // the next page's cursor takes the place of the one the path began at (a cursor is given once)
            page(path.replaceAll("&cursor=[^&]*", "") + "&cursor=" + page.path("next_cursor").asText(), rows);
        }
    }

    private static JsonNode page(String path) {
        return page(path, READ_AT_MOST);
    }

    private static JsonNode page(String path, int readAtMost) {
        plans.clear();
        JsonNode page = server.api.get(path).bearer(tenant.sk()).send().expect(200).body();
        assertThat(plans.plans()).as(path).isNotEmpty();
        for (String plan : plans.plans()) {
            assertThat(SCANNED.matcher(plan).results().mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0))
                    .as(path + "\n" + plan).isLessThanOrEqualTo(readAtMost);
        }
        return page;
    }
}
