package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.StatementLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk imports, committed two rows at a time, one batch per turn, so that every job here spans several turns. */
class CustomerImportTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_IMPORT_BATCH", "2",
            "LATCHKEY_IMPORT_POLL_MS", "50", "LATCHKEY_IMPORT_SLICE_MS", "0", "LATCHKEY_EXPORT_PAGE_SIZE", "2"));
    private static final String CSV = "text/csv";
    private static final String NDJSON = "application/x-ndjson";
    private static final String PASSWORD = "old shop purple tandem";

    private static Api api() {
        return OWN.api();
    }

    private static String shopifyRow(String first, String last, String email, String marketing, String address,
                                     String note) {
        return first + "," + last + "," + email + "," + marketing + "," + address + ",,,0.00,0," + note + ",no,";
    }

    private static JsonNode customerByEmail(Fixtures.Tenant tenant, String email) {
        JsonNode found = api().get("/v1/admin/customers?query=" + email).bearer(tenant.sk()).send().expect(200).body()
                .path("data");
        assertThat(found).as("customers with email %s", email).hasSize(1);
        return found.get(0);
    }

    @Test
    void importShopifyCsvThenValidRowsLandAndInvalidOnesAreReportedByLineAndColumn() {
        var tenant = Fixtures.tenant(api());
        String ada = Fixtures.uniqueEmail();
        String grace = Fixtures.uniqueEmail();
        String hopper = Fixtures.uniqueEmail();
        String csv = BulkCalls.SHOPIFY_HEADER + "\r\n"
                + shopifyRow("Ada", "Lovelace", ada, "yes",
                        "Analytical Ltd,12 Engine Row,\"Floor 2, left\",London,LND,GB,SW1A 1AA,'+44 20 7946 0000", "")
                + "\r\n"
                + shopifyRow("Bad", "Email", "not-an-email", "no", ",,,,,,,", "") + "\r\n"
                + shopifyRow("Grace", "Hopper", grace, "no", ",,,,,,,", "\"Note over\r\ntwo lines\"") + "\r\n"
                + shopifyRow("Nowhere", "Land", Fixtures.uniqueEmail(), "maybe", ",1 Road,,Town,,XX,,", "") + "\r\n"
                + shopifyRow("Rear", "Admiral", hopper, "", ",,,,,,,", "") + "\r\n";

        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), CSV, csv, "");

        assertThat(job.path("status").asText()).isEqualTo("succeeded");
        assertThat(job.path("format").asText()).isEqualTo("csv");
        assertThat(job.path("on_conflict").asText()).isEqualTo("skip");
        assertThat(job.path("total_rows").asInt()).isEqualTo(5);
        assertThat(job.path("processed_rows").asInt()).isEqualTo(5);
        assertThat(job.path("created").asInt()).isEqualTo(3);
        assertThat(job.path("failed_rows").asInt()).isEqualTo(2);
        assertThat(job.path("finished_at").isNull()).isFalse();
        JsonNode errors = job.path("errors");
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(3);
            assertThat(e.path("field").asText()).isEqualTo("Email");
        });
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(6);
            assertThat(e.path("field").asText()).isEqualTo("Accepts Email Marketing");
            assertThat(e.path("code").asText()).isEqualTo("invalid_type");
        });
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(6);
            assertThat(e.path("field").asText()).isEqualTo("Default Address Country Code");
        });

        JsonNode imported = customerByEmail(tenant, ada);
        assertThat(imported.path("first_name").asText()).isEqualTo("Ada");
        assertThat(imported.path("accepts_marketing").asBoolean()).isTrue();
        JsonNode addresses = api().get("/v1/admin/customers/" + imported.path("id").asText() + "/addresses")
                .bearer(tenant.sk()).send().expect(200).body().path("data");
        assertThat(addresses).singleElement().satisfies(a -> {
            assertThat(a.path("line2").asText()).isEqualTo("Floor 2, left");
            assertThat(a.path("country").asText()).isEqualTo("GB");
            assertThat(a.path("phone").asText()).isEqualTo("+44 20 7946 0000");
            assertThat(a.path("is_default_shipping").asBoolean()).isTrue();
            assertThat(a.path("is_default_billing").asBoolean()).isTrue();
        });
        assertThat(customerByEmail(tenant, grace).path("last_name").asText()).isEqualTo("Hopper");
        assertThat(customerByEmail(tenant, grace).path("note").asText()).isEqualTo("Note over\r\ntwo lines");
        assertThat(customerByEmail(tenant, hopper).path("accepts_marketing").asBoolean()).isFalse();

        // the export writes it back in the columns it came in
        Map<String, String> exported = BulkCalls.rows(BulkCalls.export(api(), tenant.sk(), "").expect(200).raw())
                .stream().filter(row -> row.get("Email").equals(ada)).findFirst().orElseThrow();
        assertThat(exported).containsEntry("Default Address Address2", "Floor 2, left")
                .containsEntry("Default Address Province Code", "LND").containsEntry("Default Address Zip", "SW1A 1AA")
                .containsEntry("Default Address Phone", "'+44 20 7946 0000").containsEntry("Accepts Email Marketing",
                        "yes");

        JsonNode created = api().get("/v1/admin/audit?type=customer.created&customer_id=" + imported.path("id")
                .asText()).bearer(tenant.sk()).send().expect(200).body().path("data").get(0).path("data");
        assertThat(created.path("import_id").asText()).isEqualTo(job.path("id").asText());
        assertThat(created.path("without_password").asBoolean()).isTrue();
        JsonNode summary = api().get("/v1/admin/audit?type=customers.imported").bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        assertThat(summary).singleElement().satisfies(e -> {
            assertThat(e.path("data").path("created").asInt()).isEqualTo(3);
            assertThat(e.path("data").path("failed_rows").asInt()).isEqualTo(2);
        });
        // no invitation goes: the outbox holds no mail for the shop
        int mails = OWN.server().app.database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM mail_outbox WHERE tenant_id = :tenant").bind("tenant", tenant.id())
                .mapTo(Integer.class).one());
        assertThat(mails).isZero();
    }

    @Test
    void importNdjsonWithBcryptAndArgon2HashesThenTheCustomersLogInWithTheirOldPasswords() {
        var tenant = Fixtures.tenant(api());
        String bcrypt = Fixtures.uniqueEmail();
        String argon = Fixtures.uniqueEmail();
        String plain = Fixtures.uniqueEmail();
        String ndjson = Api.json(Map.of("email", bcrypt, "first_name", "Bea",
                "password_hash", BcryptFunction.getInstance(Bcrypt.B, 4).hash(PASSWORD).getResult())) + "\n\n"
                + Api.json(Map.of("email", argon, "email_verified", true, "default_address",
                Map.of("line1", "1 Main St", "city", "Springfield", "country", "US", "postal_code", "12345"),
                "password_hash", Argon2Function.getInstance(1024, 1, 1, 32, Argon2.ID).hash(PASSWORD).getResult()))
                + "\n"
                + Api.json(Map.of("email", plain, "password", "a correct plain password for once")) + "\n"
                + "{\"email\": \"broken\n"
                + Api.json(Map.of("email", Fixtures.uniqueEmail(), "id", "cus_mine")) + "\n";

        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), NDJSON + "; charset=utf-8", ndjson, "");

        assertThat(job.path("total_rows").asInt()).isEqualTo(5);
        assertThat(job.path("created").asInt()).isEqualTo(2);
        assertThat(job.path("failed_rows").asInt()).isEqualTo(3);
        assertThat(job.path("errors")).anySatisfy(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(4);
            assertThat(e.path("field").asText()).isEqualTo("password");
            assertThat(e.path("code").asText()).isEqualTo("not_allowed");
            assertThat(e.path("message").asText()).contains("password_hash");
        });
        assertThat(job.path("errors")).anySatisfy(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(5);
            assertThat(e.path("code").asText()).isEqualTo("malformed_json");
        });
        assertThat(job.path("errors")).anySatisfy(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(6);
            assertThat(e.path("field").asText()).isEqualTo("id");
            assertThat(e.path("code").asText()).isEqualTo("read_only");
        });
        assertThat(api().get("/v1/admin/customers?query=" + plain).bearer(tenant.sk()).send().expect(200).body()
                .path("data")).isEmpty();
        for (String email : List.of(bcrypt, argon)) {
            api().post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", PASSWORD)).send()
                    .expect(200);
        }
        JsonNode withAddress = customerByEmail(tenant, argon);
        assertThat(withAddress.path("email_verified").asBoolean()).isTrue();
        assertThat(withAddress.path("default_billing_address_id").asText()).startsWith("adr_");
    }

    @Test
    void importWhenTagsAndNoteThenTheyLandAndTheExportWritesThemBackForAnotherImport() {
        var tenant = Fixtures.tenant(api());
        String ada = Fixtures.uniqueEmail();
        String bea = Fixtures.uniqueEmail();
        String csv = BulkCalls.SHOPIFY_HEADER + "\r\n"
                + shopifyRow("Ada", "Lovelace", ada, "no", ",,,,,,,", "\"Call first,\nthen mail\"")
                + "\" vip , Berlin,VIP,,\"\r\n"
                + shopifyRow("Bea", "Bo", bea, "no", ",,,,,,,", "") + "t".repeat(256) + "\r\n";

        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), CSV, csv, "");

        assertThat(job.path("created").asInt()).isEqualTo(1);
        assertThat(job.path("errors")).singleElement().satisfies(e -> {
            assertThat(e.path("row").asInt()).isEqualTo(4);
            assertThat(e.path("field").asText()).isEqualTo("Tags");
            assertThat(e.path("code").asText()).isEqualTo("too_long");
        });
        JsonNode imported = customerByEmail(tenant, ada);
        assertThat(imported.path("tags").toString()).isEqualTo("[\"Berlin\",\"vip\"]");
        assertThat(imported.path("note").asText()).isEqualTo("Call first,\nthen mail");

        String exported = BulkCalls.export(api(), tenant.sk(), "").expect(200).raw();
        assertThat(BulkCalls.rows(exported).getFirst()).containsEntry("Tags", "Berlin, vip")
                .containsEntry("Note", "Call first,\nthen mail");
        assertThat(BulkCalls.rows(BulkCalls.export(api(), tenant.sk(), "?tag=VIP").expect(200).raw()))
                .extracting(row -> row.get("Email")).containsExactly(ada);
        assertThat(BulkCalls.rows(BulkCalls.export(api(), tenant.sk(), "?tag=none").expect(200).raw())).isEmpty();
        JsonNode line = BulkCalls.lines(BulkCalls.export(api(), tenant.sk(), "?format=ndjson").expect(200).raw())
                .getFirst();
        assertThat(line.path("tags").toString()).isEqualTo("[\"Berlin\",\"vip\"]");
        assertThat(line.path("note").asText()).isEqualTo("Call first,\nthen mail");

        // the export is an import elsewhere, with the same tags and note
        var elsewhere = Fixtures.tenant(api());
        assertThat(BulkCalls.importAndWait(api(), elsewhere.sk(), CSV, exported, "").path("created").asInt())
                .isEqualTo(1);
        JsonNode copy = customerByEmail(elsewhere, ada);
        assertThat(copy.path("tags").toString()).isEqualTo("[\"Berlin\",\"vip\"]");
        assertThat(copy.path("note").asText()).isEqualTo("Call first,\nthen mail");
        // and an update sets them, from CSV and from NDJSON
        String update = "Email,Tags,Note\n" + ada + ",\"wholesale, b2b\",Changed\n";
        assertThat(BulkCalls.importAndWait(api(), elsewhere.sk(), CSV, update, "?on_conflict=update")
                .path("updated").asInt()).isEqualTo(1);
        copy = customerByEmail(elsewhere, ada);
        assertThat(copy.path("tags").toString()).isEqualTo("[\"b2b\",\"wholesale\"]");
        assertThat(copy.path("note").asText()).isEqualTo("Changed");
        String ndjson = "{\"email\": \"" + ada + "\", \"tags\": [\"x\"], \"note\": null}\n";
        assertThat(BulkCalls.importAndWait(api(), elsewhere.sk(), NDJSON, ndjson, "?on_conflict=update")
                .path("updated").asInt()).isEqualTo(1);
        copy = customerByEmail(elsewhere, ada);
        assertThat(copy.path("tags").toString()).isEqualTo("[\"x\"]");
        assertThat(copy.path("note").isNull()).isTrue();
    }

    @Test
    void importWhenEmailKnownThenSkippedByDefaultAndUpdatedOnAsking() {
        var tenant = Fixtures.tenant(api());
        String known = Fixtures.uniqueEmail();
        String id = api().post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", known,
                "first_name", "Old", "password", Fixtures.PASSWORD)).send().expect(201).str("id");
        String csv = "Email,First Name,status\n" + known.toUpperCase() + ",New,on_hold\n";

        JsonNode skipped = BulkCalls.importAndWait(api(), tenant.sk(), CSV, csv, "?on_conflict=skip");
        assertThat(skipped.path("skipped").asInt()).isEqualTo(1);
        assertThat(customerByEmail(tenant, known).path("first_name").asText()).isEqualTo("Old");

        JsonNode updated = BulkCalls.importAndWait(api(), tenant.sk(), CSV, csv, "?on_conflict=update");
        assertThat(updated.path("on_conflict").asText()).isEqualTo("update");
        assertThat(updated.path("updated").asInt()).isEqualTo(1);
        assertThat(updated.path("created").asInt()).isZero();
        JsonNode now = customerByEmail(tenant, known);
        assertThat(now.path("id").asText()).isEqualTo(id);
        assertThat(now.path("first_name").asText()).isEqualTo("New");
        assertThat(now.path("status").asText()).isEqualTo("on_hold");
        api().post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", known, "password", Fixtures.PASSWORD))
                .send().expect(403, "account_on_hold");
        JsonNode changed = api().get("/v1/admin/audit?type=customer.updated&customer_id=" + id).bearer(tenant.sk())
                .send().expect(200).body().path("data");
        assertThat(changed).singleElement().satisfies(e -> assertThat(e.path("data").path("changed").toString())
                .contains("first_name"));
        BulkCalls.upload(api(), tenant.sk(), CSV, csv, "?on_conflict=replace").expect(422, "validation_failed");
    }

    @Test
    void importUpdateWhenABatchChangesCustomersThenTheirEventsAreRecordedTogetherWithTheirOwnContent() {
        var tenant = Fixtures.tenant(api());
        List<Fixtures.Shopper> shoppers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            shoppers.add(Fixtures.shopper(api(), tenant));
        }
        var inserts = new StatementLog(OWN.server().app.database(), Pattern.compile("INSERT INTO audit_events"));
        String ndjson = "{\"email\": \"" + shoppers.get(0).email() + "\", \"first_name\": \"Ann\"}\n"
                + "{\"email\": \"" + shoppers.get(1).email() + "\", \"first_name\": \"Bob\", "
                + "\"status\": \"on_hold\"}\n"
                + "{\"email\": \"" + shoppers.get(2).email() + "\", \"last_name\": \"New\"}\n"
                + "{\"email\": \"" + shoppers.get(3).email() + "\", \"first_name\": \"Dee\"}\n";

        assertThat(BulkCalls.importAndWait(api(), tenant.sk(), NDJSON, ndjson, "?on_conflict=update").path("updated")
                .asInt()).isEqualTo(4);

        // the two batches of two rows record their rows' change events in one insert each, and the job its summary
        assertThat(inserts.sent()).hasSize(3);
        JsonNode summary = api().get("/v1/admin/audit?type=customers.imported").bearer(tenant.sk()).send().expect(200)
                .body().path("data").get(0);
        List<String> changed = List.of("first_name", "first_name", "last_name", "first_name");
        for (int i = 0; i < shoppers.size(); i++) {
            JsonNode updated = AuditEvents.only(api(), tenant, shoppers.get(i).customerId(), "customer.updated");
            assertThat(updated.path("data").path("changed").toString()).isEqualTo("[\"" + changed.get(i) + "\"]");
            // who changed the customer, from where: the upload's, as the summary has them
            for (String field : List.of("api_key_id", "staff_id", "ip", "user_agent")) {
                assertThat(updated.path(field)).as(field).isEqualTo(summary.path(field));
            }
            assertThat(updated.path("api_key_id").asText()).startsWith("key_");
        }
        JsonNode held = AuditEvents.only(api(), tenant, shoppers.get(1).customerId(), "customer.status_changed");
        assertThat(held.path("data").path("from").asText()).isEqualTo("active");
        assertThat(held.path("data").path("to").asText()).isEqualTo("on_hold");
        assertThat(held.path("data").path("sessions_revoked").asInt()).isEqualTo(1);
        assertThat(held.path("api_key_id")).isEqualTo(summary.path("api_key_id"));
        assertThat(AuditEvents.of(api(), tenant, shoppers.get(0).customerId(), "customer.status_changed")).isEmpty();
    }

    private static JsonNode addresses(Fixtures.Tenant tenant, String customerId) {
        return api().get("/v1/admin/customers/" + customerId + "/addresses").bearer(tenant.sk()).send().expect(200)
                .body().path("data");
    }

    @Test
    void importUpdateWhenTheRowHasAnAddressThenItIsTheDefaultAndWithoutAddressColumnsTheBookStays() {
        var tenant = Fixtures.tenant(api());
        String moved = Fixtures.uniqueEmail();
        String stays = Fixtures.uniqueEmail();
        String header = "Email,Default Address Company,Default Address Address1,Default Address Address2,"
                + "Default Address City,Default Address Country Code,Default Address Zip\n";
        BulkCalls.importAndWait(api(), tenant.sk(), CSV, header + moved + ",Old Co,1 Old Road,Floor 2,Leeds,GB,LS1 1AA\n"
                + stays + ",,5 Same Street,,York,GB,YO1 7HH\n", "");
        var shopper = Fixtures.shopper(api(), tenant);
        JsonNode movedBefore = customerByEmail(tenant, moved);
        String movedAddress = movedBefore.path("default_shipping_address_id").asText();

        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), CSV, header
                + moved + ",,9 New Lane,,Bath,GB,BA1 1AA\n"
                + shopper.email() + ",Shop Ltd,2 First Street,,Oxford,GB,OX1 1AA\n", "?on_conflict=update");
        BulkCalls.importAndWait(api(), tenant.sk(), CSV, "Email,First Name,Default Address City\n" + stays
                + ",Stella,\n", "?on_conflict=update");

        assertThat(job.path("updated").asInt()).isEqualTo(2);
        assertThat(job.path("failed_rows").asInt()).isZero();
        // replaced where it was: the same address, every part of its place the row's (an empty cell clears)
        JsonNode movedNow = customerByEmail(tenant, moved);
        assertThat(movedNow.path("default_shipping_address_id").asText()).isEqualTo(movedAddress);
        assertThat(movedNow.path("default_billing_address_id").asText()).isEqualTo(movedAddress);
        assertThat(addresses(tenant, movedNow.path("id").asText())).singleElement().satisfies(a -> {
            assertThat(a.path("line1").asText()).isEqualTo("9 New Lane");
            assertThat(a.path("city").asText()).isEqualTo("Bath");
            assertThat(a.path("postal_code").asText()).isEqualTo("BA1 1AA");
            assertThat(a.path("company").isNull()).isTrue();
            assertThat(a.path("line2").isNull()).isTrue();
        });
        // a customer without an address gets the row's as the default for shipping and billing
        assertThat(addresses(tenant, shopper.customerId())).singleElement().satisfies(a -> {
            assertThat(a.path("line1").asText()).isEqualTo("2 First Street");
            assertThat(a.path("company").asText()).isEqualTo("Shop Ltd");
            assertThat(a.path("is_default_shipping").asBoolean()).isTrue();
            assertThat(a.path("is_default_billing").asBoolean()).isTrue();
        });
        // no address column with a value: the profile changes, the book stays
        JsonNode stayed = customerByEmail(tenant, stays);
        assertThat(stayed.path("first_name").asText()).isEqualTo("Stella");
        assertThat(addresses(tenant, stayed.path("id").asText())).singleElement().satisfies(a -> {
            assertThat(a.path("line1").asText()).isEqualTo("5 Same Street");
            assertThat(a.path("city").asText()).isEqualTo("York");
        });
    }

    /**
     * The customer's address events (those of one batch may share a millisecond, so their order is not told), each
     * as "type address_id", its {@code type} or {@code changed}, and who acted: "by" the import's id (the merchant
     * acting through it) or the {@code by} of another change.
     */
    private static List<String> addressEvents(Fixtures.Tenant tenant, String customerId) {
        JsonNode events = api().get("/v1/admin/audit?customer_id=" + customerId).bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        List<String> found = new ArrayList<>();
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            if (!type.startsWith("address.")) {
                continue;
            }
            JsonNode data = event.path("data");
            String detail = data.has("type") ? " " + data.path("type").asText()
                    : data.has("changed") ? " " + data.path("changed") : "";
            String by = data.has("import_id") ? data.path("by").asText() + " " + data.path("import_id").asText()
                    : data.path("by").asText();
            found.add(type + " " + data.path("address_id").asText() + detail + " by " + by);
        }
        return found;
    }

    @Test
    void importWhenRowsGiveAddressesThenEachChangeIsRecordedAsTheAddressRoutesRecordItAndNoneWhenUnchanged() {
        var tenant = Fixtures.tenant(api());
        String moved = Fixtures.uniqueEmail();
        String header = "Email,Default Address Address1,Default Address City,Default Address Country Code,"
                + "Default Address Zip\n";
        String created = "admin " + BulkCalls.importAndWait(api(), tenant.sk(), CSV, header + moved
                + ",1 Old Road,Leeds,GB,LS1 1AA\n", "").path("id").asText();
        JsonNode movedCustomer = customerByEmail(tenant, moved);
        String movedId = movedCustomer.path("id").asText();
        String movedAddress = movedCustomer.path("default_shipping_address_id").asText();
        assertThat(addressEvents(tenant, movedId)).containsExactlyInAnyOrder(
                "address.default_changed " + movedAddress + " both by " + created,
                "address.created " + movedAddress + " by " + created);
        var shopper = Fixtures.shopper(api(), tenant);
        String changes = header + moved + ",9 New Lane,Bath,GB,BA1 1AA\n" + shopper.email()
                + ",2 First Street,Oxford,GB,OX1 1AA\n";

        String updated = "admin " + BulkCalls.importAndWait(api(), tenant.sk(), CSV, changes, "?on_conflict=update")
                .path("id").asText();

        assertThat(addressEvents(tenant, movedId)).containsExactlyInAnyOrder(
                "address.updated " + movedAddress + " [\"line1\",\"city\",\"postal_code\"] by " + updated,
                "address.default_changed " + movedAddress + " both by " + created,
                "address.created " + movedAddress + " by " + created);
        String shopperAddress = addresses(tenant, shopper.customerId()).get(0).path("id").asText();
        assertThat(addressEvents(tenant, shopper.customerId())).containsExactlyInAnyOrder(
                "address.default_changed " + shopperAddress + " both by " + updated,
                "address.created " + shopperAddress + " by " + updated);
        // the same file again changes no address, and records none
        JsonNode again = BulkCalls.importAndWait(api(), tenant.sk(), CSV, changes, "?on_conflict=update");
        assertThat(again.path("updated").asInt()).isEqualTo(2);
        assertThat(addressEvents(tenant, movedId)).hasSize(3);
        assertThat(addressEvents(tenant, shopper.customerId())).hasSize(2);
    }

    @Test
    void importNdjsonUpdateWhenTheAddressIsAnotherOfTheBookThenThatOneBecomesTheDefault() {
        var tenant = Fixtures.tenant(api());
        var shopper = Fixtures.shopper(api(), tenant);
        String first = Fixtures.address(api(), shopper).path("id").asText();
        api().post("/v1/me/addresses/" + first + "/default").as(shopper).body(Map.of("type", "both")).send()
                .expect(200);
        JsonNode second = Fixtures.address(api(), shopper, Map.of("line1", "Friedrichstr. 7", "tags",
                List.of("WORK")));
        String row = Api.json(Map.of("email", shopper.email(), "default_address", Map.of("first_name", "Ada",
                "last_name", "Lovelace", "line1", "FRIEDRICHSTR. 7", "city", "Berlin", "country", "DE",
                "postal_code", "10117"))) + "\n";

        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), NDJSON, row, "?on_conflict=update");

        assertThat(job.path("updated").asInt()).isEqualTo(1);
        String secondId = second.path("id").asText();
        String imported = "admin " + job.path("id").asText();
        // the shopper's own changes, then the import's: the address it changed and made the default
        assertThat(addressEvents(tenant, shopper.customerId())).containsExactlyInAnyOrder(
                "address.default_changed " + secondId + " both by " + imported,
                "address.updated " + secondId + " [\"line1\"] by " + imported,
                "address.created " + secondId + " by customer",
                "address.default_changed " + first + " both by customer",
                "address.created " + first + " by customer");
        JsonNode book = addresses(tenant, shopper.customerId());
        assertThat(book).hasSize(2);
        assertThat(book).filteredOn(a -> a.path("id").asText().equals(second.path("id").asText())).singleElement()
                .satisfies(a -> {
                    assertThat(a.path("line1").asText()).isEqualTo("FRIEDRICHSTR. 7");
                    assertThat(a.path("tags").toString()).isEqualTo("[\"WORK\"]");
                    assertThat(a.path("is_default_shipping").asBoolean()).isTrue();
                    assertThat(a.path("is_default_billing").asBoolean()).isTrue();
                });
        assertThat(book).filteredOn(a -> a.path("id").asText().equals(first)).singleElement().satisfies(a -> {
            assertThat(a.path("line1").asText()).isEqualTo("Unter den Linden 1");
            assertThat(a.path("is_default_shipping").asBoolean()).isFalse();
        });
    }

    @Test
    void importUpdateWhenPasswordHashThenSetForACustomerWithoutOneAndKeptForOneWithAPassword() {
        var tenant = Fixtures.tenant(api());
        String newPassword = "imported purple tandem";
        String hash = BcryptFunction.getInstance(Bcrypt.B, 4).hash(newPassword).getResult();
        for (String format : List.of(CSV, NDJSON)) {
            String withoutPassword = Fixtures.uniqueEmail();
            BulkCalls.importAndWait(api(), tenant.sk(), CSV, "Email\n" + withoutPassword + "\n", "");
            var shopper = Fixtures.shopper(api(), tenant);
            String file = format.equals(CSV)
                    ? "Email,First Name,password_hash\n" + withoutPassword + ",Wanda," + hash + "\n" + shopper.email()
                    + ",Sally," + hash + "\n"
                    : Api.json(Map.of("email", withoutPassword, "first_name", "Wanda", "password_hash", hash)) + "\n"
                    + Api.json(Map.of("email", shopper.email(), "first_name", "Sally", "password_hash", hash)) + "\n";

            JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), format, file, "?on_conflict=update");

            assertThat(job.path("updated").asInt()).as(format).isEqualTo(2);
            assertThat(job.path("passwords_kept").asInt()).as(format).isEqualTo(1);
            assertThat(job.path("failed_rows").asInt()).as(format).isZero();
            api().post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", withoutPassword, "password",
                    newPassword)).send().expect(200);
            // the shopper's own password stays, and so does their session; the row's profile still lands
            api().post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", shopper.email(), "password",
                    newPassword)).send().expect(401, "invalid_credentials");
            api().post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", shopper.email(), "password",
                    shopper.password())).send().expect(200);
            assertThat(api().get("/v1/me").as(shopper).send().expect(200).body().path("first_name").asText())
                    .isEqualTo("Sally");
            String id = customerByEmail(tenant, withoutPassword).path("id").asText();
            JsonNode set = api().get("/v1/admin/audit?type=password.changed&customer_id=" + id).bearer(tenant.sk())
                    .send().expect(200).body().path("data");
            assertThat(set).singleElement().satisfies(e -> {
                assertThat(e.path("data").path("import_id").asText()).isEqualTo(job.path("id").asText());
                assertThat(e.path("data").path("imported_hash").asText()).isEqualTo("bcrypt");
            });
        }
        JsonNode summary = api().get("/v1/admin/audit?type=customers.imported&limit=1").bearer(tenant.sk()).send()
                .expect(200).body().path("data").get(0);
        assertThat(summary.path("data").path("passwords_kept").asInt()).isEqualTo(1);
    }

    @Test
    void importCsvWhenItsCharsetIsNamedThenReadInItAndAnUnknownOneIsRefused() {
        var tenant = Fixtures.tenant(api());
        String latin = Fixtures.uniqueEmail();
        String windows = Fixtures.uniqueEmail();
        String bom = Fixtures.uniqueEmail();

        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), CSV + "; charset=iso-8859-1",
                ("Email,First Name,Last Name\n" + latin + ",J\u00e9r\u00f4me,M\u00fcller\n")
                        .getBytes(StandardCharsets.ISO_8859_1), "");
        assertThat(job.path("created").asInt()).isEqualTo(1);
        BulkCalls.importAndWait(api(), tenant.sk(), "text/CSV;charset=\"Windows-1252\"",
                ("Email,Last Name,Note\n" + windows + ",O\u2019Brien,\u201cVIP\u201d pays 5 \u20ac\n")
                        .getBytes(Charset.forName("windows-1252")), "");
        BulkCalls.importAndWait(api(), tenant.sk(), CSV + "; charset=UTF-8",
                ("\uFEFFEmail,First Name\n" + bom + ",Zo\u00eb\n").getBytes(StandardCharsets.UTF_8), "");

        JsonNode fromLatin = customerByEmail(tenant, latin);
        assertThat(fromLatin.path("first_name").asText()).isEqualTo("J\u00e9r\u00f4me");
        assertThat(fromLatin.path("last_name").asText()).isEqualTo("M\u00fcller");
        JsonNode fromWindows = customerByEmail(tenant, windows);
        assertThat(fromWindows.path("last_name").asText()).isEqualTo("O\u2019Brien");
        assertThat(fromWindows.path("note").asText()).isEqualTo("\u201cVIP\u201d pays 5 \u20ac");
        assertThat(customerByEmail(tenant, bom).path("first_name").asText()).isEqualTo("Zo\u00eb");

        var other = Fixtures.tenant(api());
        byte[] file = ("Email\n" + Fixtures.uniqueEmail() + "\n").getBytes(StandardCharsets.US_ASCII);
        for (String unknown : List.of("klingon", "", "\"utf 8\"")) {
            BulkCalls.upload(api(), other.sk(), CSV + "; charset=" + unknown, file, "")
                    .expect(415, "unsupported_media_type");
        }
        // a byte Windows-1252 has no character for
        BulkCalls.upload(api(), other.sk(), CSV + "; charset=windows-1252", ("Email,Note\nx@example.com,a\u0081\n")
                .getBytes(StandardCharsets.ISO_8859_1), "").expect(400, "malformed_csv");
        assertThat(api().get("/v1/admin/customers/imports").bearer(other.sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void importWhenFileUnusableThenRefusedWholeAndNothingQueued() {
        var tenant = Fixtures.tenant(api());
        String email = Fixtures.uniqueEmail();
        BulkCalls.upload(api(), tenant.sk(), CSV, "Email,First Name\n" + email + ",\"Ada\n", "")
                .expect(400, "malformed_csv");
        BulkCalls.upload(api(), tenant.sk(), CSV, "Email,First Name\n" + email + ",Ad\"a\n", "")
                .expect(400, "malformed_csv");
        BulkCalls.upload(api(), tenant.sk(), CSV, "", "").expect(422, "empty_import");
        BulkCalls.upload(api(), tenant.sk(), CSV, "Email,First Name\r\n", "").expect(422, "empty_import");
        BulkCalls.upload(api(), tenant.sk(), NDJSON, "\n\n", "").expect(422, "empty_import");
        Api.Res noEmail = BulkCalls.upload(api(), tenant.sk(), CSV, "First Name\nAda\n", "")
                .expect(422, "validation_failed");
        assertThat(noEmail.body().path("errors").get(0).path("field").asText()).isEqualTo("Email");
        Api.Res password = BulkCalls.upload(api(), tenant.sk(), CSV, "Email,Password\n" + email + ",secret\n", "")
                .expect(422, "validation_failed");
        assertThat(password.body().path("errors").get(0).path("code").asText()).isEqualTo("not_allowed");
        api().post("/v1/admin/customers/imports").bearer(tenant.sk()).header("Content-Type", CSV)
                .body(new byte[] {'E', 'm', 'a', 'i', 'l', '\n', (byte) 0xE9, '\n'}).send()
                .expect(400, "malformed_csv");
        BulkCalls.upload(api(), tenant.sk(), "application/json", Api.json(Map.of("email", email)), "")
                .expect(415, "unsupported_media_type");
        api().post("/v1/admin/customers/imports").bearer(tenant.sk()).body(new byte[] {'x'}).send()
                .expect(415, "unsupported_media_type");

        assertThat(api().get("/v1/admin/customers/imports").bearer(tenant.sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void importWhenBodyLargerThanTwentyMegabytesThen413ButLargerThanOneIsTaken() {
        var tenant = Fixtures.tenant(api());
        String email = Fixtures.uniqueEmail();
        String bigCell = "x".repeat(1_500_000);
        JsonNode job = BulkCalls.importAndWait(api(), tenant.sk(), CSV, "Email,Filler\n" + email + "," + bigCell + "\n",
                "");
        assertThat(job.path("created").asInt()).isEqualTo(1);

        byte[] tooLarge = new byte[20 * 1024 * 1024 + 1];
        java.util.Arrays.fill(tooLarge, (byte) 'a');
        // refused by its announced length, before its body is sent
        api().post("/v1/admin/customers/imports").bearer(tenant.sk()).header("Content-Type", CSV).body(tooLarge)
                .expectContinue().send().expect(413, "payload_too_large");
    }

    @Test
    void importsWhenListedOrReadThenOwnTenantOnlyAndPaged() {
        var tenant = Fixtures.tenant(api());
        var other = Fixtures.tenant(api());
        String first = BulkCalls.upload(api(), tenant.sk(), CSV, "Email\n" + Fixtures.uniqueEmail() + "\n", "")
                .expect(202).str("id");
        String second = BulkCalls.upload(api(), tenant.sk(), NDJSON,
                Api.json(Map.of("email", Fixtures.uniqueEmail())), "").expect(202).str("id");

        JsonNode page = api().get("/v1/admin/customers/imports?limit=1").bearer(tenant.sk()).send().expect(200).body();
        assertThat(page.path("data").get(0).path("id").asText()).isEqualTo(second);
        JsonNode next = api().get("/v1/admin/customers/imports?limit=1&cursor=" + page.path("next_cursor").asText())
                .bearer(tenant.sk()).send().expect(200).body();
        assertThat(next.path("data").get(0).path("id").asText()).isEqualTo(first);
        assertThat(next.path("next_cursor").isNull()).isTrue();

        api().get("/v1/admin/customers/imports/" + first).bearer(other.sk()).send().expect(404, "not_found");
        api().get("/v1/admin/customers/imports/imp_unknown").bearer(tenant.sk()).send().expect(404, "not_found");
        assertThat(api().get("/v1/admin/customers/imports").bearer(other.sk()).send().expect(200).body()
                .path("data")).isEmpty();
        api().get("/v1/admin/customers/imports?cursor=bad").bearer(tenant.sk()).send().expect(422);
        BulkCalls.await(api(), tenant.sk(), "/v1/admin/customers/imports/" + second);
        BulkCalls.await(api(), tenant.sk(), "/v1/admin/customers/imports/" + first);
    }

    @Test
    void importWhenCallerMayNotEditCustomersThen403() {
        var shop = StaffFixtures.shop(api());
        String support = StaffFixtures.supportToken(api(), shop);
        String body = "Email\n" + Fixtures.uniqueEmail() + "\n";
        BulkCalls.upload(api(), support, CSV, body, "").expect(403, "insufficient_scope");
        api().get("/v1/admin/customers/imports").bearer(support).send().expect(403, "insufficient_scope");
        BulkCalls.upload(api(), shop.tenant().pk(), CSV, body, "").expect(403, "insufficient_scope");
        BulkCalls.importAndWait(api(), StaffFixtures.ownerToken(api(), shop), CSV, body, "");
    }

    @Test
    void importsWhenUploadedAtOnceThenNoMoreThanFiveAreUnfinished() throws Exception {
        var tenant = Fixtures.tenant(api());
        // the shop is suspended so that nothing runs while the queue fills
        Fixtures.status(api(), tenant.id(), "suspended");
        String rescue = BulkCalls.rescueKey(api(), tenant.id());
        for (int i = 0; i < 3; i++) {
            BulkCalls.upload(api(), rescue, CSV, BulkCalls.emails(1), "").expect(202);
        }
        Callable<Api.Res> upload = () -> BulkCalls.upload(api(), rescue, CSV, BulkCalls.emails(1), "");

        // the shop's row held meanwhile, so that the four meet there at once, each having found three
        List<Api.Res> answers = RowLocks.commitWhileWaiting(OWN.server(), new RowLocks.Sql(
                "SELECT id FROM tenants WHERE id = ? FOR UPDATE", tenant.id()), 4,
                () -> Concurrently.all(Collections.nCopies(4, upload)));

        assertThat(answers).extracting(Api.Res::status).containsExactlyInAnyOrder(202, 202, 409, 409);
        assertThat(answers).filteredOn(answer -> answer.status() == 409)
                .allSatisfy(answer -> assertThat(answer.code()).isEqualTo("too_many_imports"));
        assertThat(api().get("/v1/admin/customers/imports").bearer(rescue).send().expect(200).body().path("data"))
                .hasSize(5);
        Fixtures.status(api(), tenant.id(), "active");
    }

    @Test
    void importWhenSixQueuedThenTheSixthWaits() {
        var tenant = Fixtures.tenant(api());
        // the shop is suspended so that nothing runs while the queue fills
        Fixtures.status(api(), tenant.id(), "suspended");
        var rescue = api().post("/v1/platform/tenants/" + tenant.id() + "/secret-keys")
                .bearer(dev.latchkey.testing.TestServer.PLATFORM_TOKEN).send().expect(201).str("secret_key");
        for (int i = 0; i < 5; i++) {
            BulkCalls.upload(api(), rescue, CSV, "Email\n" + Fixtures.uniqueEmail() + "\n", "").expect(202);
        }
        BulkCalls.upload(api(), rescue, CSV, "Email\n" + Fixtures.uniqueEmail() + "\n", "")
                .expect(409, "too_many_imports");
        JsonNode queued = api().get("/v1/admin/customers/imports").bearer(rescue).send().expect(200).body()
                .path("data");
        assertThat(queued).hasSize(5).allSatisfy(job -> assertThat(job.path("status").asText()).isEqualTo("queued"));
        Fixtures.status(api(), tenant.id(), "active");
        for (JsonNode job : queued) {
            assertThat(BulkCalls.await(api(), tenant.sk(), "/v1/admin/customers/imports/" + job.path("id").asText())
                    .path("created").asInt()).isEqualTo(1);
        }
        int kept = OWN.server().app.database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM customer_import_files WHERE tenant_id = :tenant")
                .bind("tenant", tenant.id()).mapTo(Integer.class).one());
        assertThat(kept).as("files kept after their jobs ended").isZero();
    }
}
