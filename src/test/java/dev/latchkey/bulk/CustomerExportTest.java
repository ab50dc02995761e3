package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import dev.latchkey.order.OrderCalls;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bulk export, read a page of two customers at a time so that every export here spans several pages. */
class CustomerExportTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_EXPORT_PAGE_SIZE", "2"));
    private static final String HASH = BcryptFunction.getInstance(Bcrypt.B, 4).hash("old shop purple tandem")
            .getResult();

    private static Api api() {
        return OWN.api();
    }

    /**
     * A customer created a millisecond after the one before: the list's order is newest first, then by id, so two
     * created in the same millisecond would be listed in their ids' order rather than in the order made.
     */
    private static String customer(Fixtures.Tenant tenant, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.putIfAbsent("email", Fixtures.uniqueEmail());
        body.put("password_hash", HASH);
        String id = api().post("/v1/admin/customers").bearer(tenant.sk()).body(body).send().expect(201).str("id");
        OWN.server().clock.advance(java.time.Duration.ofMillis(1));
        return id;
    }

    @Test
    void exportCsvWhenSeveralPagesThenEveryCustomerOnceNewestFirstAsAnAttachment() {
        var tenant = Fixtures.tenant(api());
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(customer(tenant, Map.of("first_name", "Ada" + i, "accepts_marketing", i % 2 == 0)));
        }
        customer(Fixtures.tenant(api()), Map.of("first_name", "Elsewhere"));

        Api.Res res = BulkCalls.export(api(), tenant.sk(), "").expect(200);

        assertThat(res.header("Content-Type")).startsWith("text/csv");
        assertThat(res.header("Content-Disposition")).isEqualTo("attachment; filename=\"customers.csv\"");
        List<List<String>> records = BulkCalls.records(res.raw());
        assertThat(records.get(0)).containsExactly("Customer ID", "First Name", "Last Name", "Email",
                "Accepts Email Marketing", "Default Address Company", "Default Address Address1",
                "Default Address Address2", "Default Address City", "Default Address Province Code",
                "Default Address Country Code", "Default Address Zip", "Default Address Phone", "Phone", "Total Spent",
                "Total Orders", "Note", "Tags", "status", "email_verified", "created_at", "updated_at", "preferred_language");
        List<Map<String, String>> rows = BulkCalls.rows(res.raw());
        assertThat(rows).extracting(row -> row.get("Customer ID")).containsExactlyElementsOf(ids.reversed());
        assertThat(rows.get(0)).containsEntry("First Name", "Ada4").containsEntry("Accepts Email Marketing", "yes")
                .containsEntry("status", "active").containsEntry("email_verified", "false");
        assertThat(rows.get(1)).containsEntry("Accepts Email Marketing", "no");
        assertThat(res.raw()).doesNotContain("$2b$", "Elsewhere");
    }

    @Test
    void exportWhenClientTakesGzipThenTheSameFileGzipped() throws Exception {
        var tenant = Fixtures.tenant(api());
        for (int i = 0; i < 5; i++) {
            customer(tenant, Map.of("first_name", "Zip" + i));
        }
        String plain = BulkCalls.export(api(), tenant.sk(), "").expect(200).raw();
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(api().baseUrl() + "/v1/admin/customers/export"))
                .header("Authorization", "Bearer " + tenant.sk()).header("Accept-Encoding", "br;q=1.0, gzip;q=0.8")
                .build();
        java.net.http.HttpResponse<byte[]> zipped;
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            zipped = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        }

        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(zipped.headers().firstValue("Vary")).hasValueSatisfying(vary -> assertThat(vary)
                .containsIgnoringCase("Accept-Encoding"));
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
            String unzipped = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(BulkCalls.rows(unzipped)).isEqualTo(BulkCalls.rows(plain)).hasSize(5);
        }
        // one file, one record of it, whatever the coding: both whole
        JsonNode events = api().get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        assertThat(events).hasSize(2).allSatisfy(event -> assertThat(event.path("data").path("completed")
                .asBoolean()).isTrue());
    }

    @Test
    void exportWhenCellsStartLikeFormulasOrHoldQuotesThenNeutralisedAndQuoted() {
        var tenant = Fixtures.tenant(api());
        customer(tenant, Map.of("first_name", "=HYPERLINK(\"http://evil.example\",\"x\")", "last_name", "-2+3",
                "phone", "+49 30 1234567"));
        customer(tenant, Map.of("first_name", "@SUM(A1)", "last_name", "Doe, \"Jr\"", "phone", "030 1234567"));

        String csv = BulkCalls.export(api(), tenant.sk(), "?format=csv").expect(200).raw();

        assertThat(csv).contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'-2+3,",
                "'@SUM(A1),\"Doe, \"\"Jr\"\"\",", ",'+49 30 1234567,", ",030 1234567,");
        List<Map<String, String>> rows = BulkCalls.rows(csv);
        assertThat(rows.get(0)).containsEntry("First Name", "'@SUM(A1)").containsEntry("Last Name", "Doe, \"Jr\"");
        assertThat(rows.get(1)).containsEntry("First Name", "'=HYPERLINK(\"http://evil.example\",\"x\")")
                .containsEntry("Last Name", "'-2+3").containsEntry("Phone", "'+49 30 1234567");
    }

    @Test
    void exportNdjsonThenOneCustomerObjectPerLineWithoutHash() {
        var tenant = Fixtures.tenant(api());
        for (int i = 0; i < 3; i++) {
            customer(tenant, Map.of("first_name", "Grace" + i, "attributes", Map.of("tier", "gold")));
        }

        Api.Res res = BulkCalls.export(api(), tenant.sk(), "?format=ndjson").expect(200);

        assertThat(res.header("Content-Type")).startsWith("application/x-ndjson");
        assertThat(res.header("Content-Disposition")).isEqualTo("attachment; filename=\"customers.ndjson\"");
        List<JsonNode> lines = BulkCalls.lines(res.raw());
        assertThat(lines).extracting(line -> line.path("first_name").asText())
                .containsExactly("Grace2", "Grace1", "Grace0");
        JsonNode one = api().get("/v1/admin/customers/" + lines.get(0).path("id").asText()).bearer(tenant.sk()).send()
                .expect(200).body();
        assertThat(lines.get(0)).isEqualTo(one);
        assertThat(res.raw()).doesNotContain("password", "$2b$");
    }

    /** Records an order of the customer in this status and currency. */
    private static void order(Fixtures.Tenant tenant, String customerId, String status, String currency,
                              String total) {
        Map<String, Object> body = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        body.put("customer_id", customerId);
        body.put("status", status);
        body.put("currency", currency);
        body.put("total", total);
        new OrderCalls(api(), tenant).create(body).expect(201);
    }

    @Test
    void exportWhenCustomersHaveOrdersThenTotalSpentAndTotalOrdersPerRowAcrossPages() {
        var tenant = Fixtures.tenant(api());
        String none = customer(tenant, Map.of("first_name", "None"));
        String oneCurrency = customer(tenant, Map.of("first_name", "One"));
        order(tenant, oneCurrency, "paid", "EUR", "19.9");
        order(tenant, oneCurrency, "fulfilled", "EUR", "5");
        order(tenant, oneCurrency, "cancelled", "EUR", "100");
        String twoCurrencies = customer(tenant, Map.of("first_name", "Two"));
        order(tenant, twoCurrencies, "paid", "USD", "12");
        order(tenant, twoCurrencies, "paid", "EUR", "3.5");
        order(tenant, twoCurrencies, "refunded", "EUR", "9");
        String onlyPending = customer(tenant, Map.of("first_name", "Pending"));
        order(tenant, onlyPending, "pending", "EUR", "8");
        var other = Fixtures.tenant(api());
        order(other, customer(other, Map.of("first_name", "Elsewhere")), "paid", "EUR", "1000");

        Api.Res csv = BulkCalls.export(api(), tenant.sk(), "").expect(200);
        Api.Res ndjson = BulkCalls.export(api(), tenant.sk(), "?format=ndjson").expect(200);

        Map<String, Map<String, String>> byId = new HashMap<>();
        BulkCalls.rows(csv.raw()).forEach(row -> byId.put(row.get("Customer ID"), row));
        assertThat(byId).hasSize(4);
        assertThat(byId.get(none)).containsEntry("Total Spent", "0").containsEntry("Total Orders", "0");
        assertThat(byId.get(oneCurrency)).containsEntry("Total Spent", "24.90").containsEntry("Total Orders", "3");
        assertThat(byId.get(twoCurrencies)).containsEntry("Total Spent", "3.50 EUR; 12.00 USD")
                .containsEntry("Total Orders", "3");
        assertThat(byId.get(onlyPending)).containsEntry("Total Spent", "0").containsEntry("Total Orders", "1");
        for (JsonNode line : BulkCalls.lines(ndjson.raw())) {
            JsonNode read = api().get("/v1/admin/customers/" + line.path("id").asText()).bearer(tenant.sk()).send()
                    .expect(200).body();
            assertThat(line).isEqualTo(read);
        }
        assertThat(BulkCalls.lines(ndjson.raw())).filteredOn(line -> line.path("id").asText().equals(twoCurrencies))
                .singleElement().satisfies(line -> assertThat(line.path("amount_spent").toString())
                        .isEqualTo("[{\"currency\":\"EUR\",\"amount\":\"3.50\"},"
                                + "{\"currency\":\"USD\",\"amount\":\"12.00\"}]"));

        // the exported file goes into another shop: the figures are not taken, the customers are
        var next = Fixtures.tenant(api());
        JsonNode job = BulkCalls.importAndWait(api(), next.sk(), "text/csv", csv.raw(), "");
        assertThat(job.path("status").asText()).isEqualTo("succeeded");
        assertThat(job.path("created").asInt()).isEqualTo(4);
        api().get("/v1/admin/customers?limit=10").bearer(next.sk()).send().expect(200).body().path("data")
                .forEach(row -> assertThat(row.path("orders_count").asInt()).isZero());
    }

    @Test
    void exportWhenFilteredThenOnlyTheKeptCustomersAndTheExportIsRecordedOnce() {
        var tenant = Fixtures.tenant(api());
        String held = customer(tenant, Map.of("status", "on_hold"));
        customer(tenant, Map.of());
        customer(tenant, Map.of());
        String heldToo = customer(tenant, Map.of("status", "on_hold"));

        String csv = BulkCalls.export(api(), tenant.sk(), "?status=on_hold").expect(200).raw();
        assertThat(BulkCalls.rows(csv)).extracting(row -> row.get("Customer ID")).containsExactly(heldToo, held);
        String later = BulkCalls.export(api(), tenant.sk(), "?format=ndjson&updated_since=2999-01-01T00:00:00Z")
                .expect(200).raw();
        assertThat(later).isEmpty();
        List<JsonNode> changed = BulkCalls.lines(BulkCalls.export(api(), tenant.sk(),
                "?format=ndjson&updated_since=2000-01-01T00:00:00Z&status=on_hold").expect(200).raw());
        assertThat(changed).extracting(line -> line.path("id").asText()).containsExactly(held, heldToo);

        JsonNode events = api().get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        assertThat(events).hasSize(3);
        JsonNode first = events.get(2);
        assertThat(first.path("customer_id").isNull()).isTrue();
        assertThat(first.path("data").path("by").asText()).isEqualTo("admin");
        assertThat(first.path("data").path("count").asInt()).isEqualTo(2);
        assertThat(first.path("data").path("completed").asBoolean()).isTrue();
        assertThat(first.path("data").path("format").asText()).isEqualTo("csv");
        assertThat(first.path("data").path("filters").path("status").asText()).isEqualTo("on_hold");
        assertThat(events.get(1).path("data").path("count").asInt()).isZero();
    }

    @Test
    void exportWhenMarketingOrVerificationFilteredThenExactlyThoseCustomersAcrossPagesAndRecorded() {
        var tenant = Fixtures.tenant(api());
        List<String> accepting = new java.util.ArrayList<>();
        List<String> unverifiedDeclining = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            boolean accepts = i % 3 != 0;
            String id = customer(tenant, Map.of("accepts_marketing", accepts, "email_verified", i % 2 == 0));
            if (accepts) {
                accepting.add(id);
            } else if (i % 2 != 0) {
                unverifiedDeclining.add(id);
            }
            OWN.server().clock.advance(java.time.Duration.ofSeconds(1));
        }
        customer(Fixtures.tenant(api()), Map.of("first_name", "Elsewhere", "accepts_marketing", true));

        // the mail tool's list: every customer who accepts email marketing, and only they, over several pages of 2
        String csv = BulkCalls.export(api(), tenant.sk(), "?accepts_marketing=true").expect(200).raw();
        List<Map<String, String>> rows = BulkCalls.rows(csv);
        assertThat(rows).extracting(row -> row.get("Customer ID")).containsExactlyElementsOf(accepting.reversed());
        assertThat(rows).extracting(row -> row.get("Accepts Email Marketing")).containsOnly("yes");
        assertThat(csv).doesNotContain("Elsewhere");
        List<JsonNode> lines = BulkCalls.lines(BulkCalls.export(api(), tenant.sk(),
                "?format=ndjson&accepts_marketing=false&email_verified=false&status=active").expect(200).raw());
        assertThat(lines).extracting(line -> line.path("id").asText())
                .containsExactlyElementsOf(unverifiedDeclining.reversed());
        List<JsonNode> changed = BulkCalls.lines(BulkCalls.export(api(), tenant.sk(),
                "?format=ndjson&updated_since=2000-01-01T00:00:00Z&accepts_marketing=true").expect(200).raw());
        assertThat(changed).extracting(line -> line.path("id").asText()).containsExactlyElementsOf(accepting);

        JsonNode first = api().get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send()
                .expect(200).body().path("data").get(2);
        assertThat(first.path("data").path("count").asInt()).isEqualTo(accepting.size());
        assertThat(first.path("data").path("filters").path("accepts_marketing").isBoolean()).isTrue();
        assertThat(first.path("data").path("filters").path("accepts_marketing").asBoolean()).isTrue();
        assertThat(first.path("data").path("filters").has("email_verified")).isFalse();
    }

    @Test
    void headThenTheExportsHeadersWithoutALengthAndNothingMadeOrRecorded() {
        var tenant = Fixtures.tenant(api());
        customer(tenant, Map.of("first_name", "Head"));

        Api.Res head = api().method("HEAD", "/v1/admin/customers/export?format=ndjson").bearer(tenant.sk()).send()
                .expect(200);

        assertThat(head.header("Content-Type")).startsWith("application/x-ndjson");
        assertThat(head.header("Content-Disposition")).isEqualTo("attachment; filename=\"customers.ndjson\"");
        // a GET of an export of any size streams it: its length is unknown, never the zero of an empty answer
        assertThat(head.header("Content-Length")).isNull();
        api().method("HEAD", "/v1/admin/customers/export?format=xlsx").bearer(tenant.sk()).send().expect(422);
        assertThat(api().get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void exportWhenParametersBadThen422NamingThem() {
        var tenant = Fixtures.tenant(api());
        BulkCalls.export(api(), tenant.sk(), "?format=xlsx").expect(422, "validation_failed");
        BulkCalls.export(api(), tenant.sk(), "?status=gone").expect(422, "validation_failed");
        BulkCalls.export(api(), tenant.sk(), "?updated_since=yesterday").expect(422, "validation_failed");
        assertThat(api().get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void exportWhenCallerLacksExportCustomersThen403AndOwnersMay() {
        var shop = StaffFixtures.shop(api());
        customer(shop.tenant(), Map.of());
        String support = StaffFixtures.supportToken(api(), shop);
        String viewer = api().post("/v1/admin/api-keys").bearer(shop.tenant().sk())
                .body(Map.of("kind", "secret", "scopes", List.of("view_customers", "edit_customers"))).send()
                .expect(201).str("key");

        BulkCalls.export(api(), support, "").expect(403, "insufficient_scope");
        BulkCalls.export(api(), viewer, "?format=ndjson").expect(403, "insufficient_scope");
        BulkCalls.export(api(), shop.tenant().pk(), "").expect(403, "insufficient_scope");
        BulkCalls.export(api(), "sk_unknown", "").expect(401, "invalid_api_key");
        String owner = StaffFixtures.ownerToken(api(), shop);
        assertThat(BulkCalls.rows(BulkCalls.export(api(), owner, "").expect(200).raw())).hasSize(1);
        JsonNode event = api().get("/v1/admin/audit?type=customers.exported").bearer(shop.tenant().sk()).send()
                .expect(200).body().path("data");
        assertThat(event).singleElement().satisfies(e -> assertThat(e.path("staff_id").asText())
                .isEqualTo(shop.ownerId()));
    }
}
