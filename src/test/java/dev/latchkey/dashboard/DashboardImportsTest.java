package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import dev.latchkey.bulk.CustomerImports;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.HeldUpload;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Import customers pages: an upload run to its end, its refused rows, update of known emails, and refusals. */
class DashboardImportsTest extends ApiTest {
    static final String SHOPIFY_HEADER = "First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
            + "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
            + "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
            + "Total Spent,Total Orders,Note,Tags";
    private static final Pattern JOB = Pattern.compile(
            "^/dashboard/imports/(imp_[A-Za-z0-9_-]+)\\?notice=import_queued$");
    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");
    private static final int MAX_BYTES = 20 * 1024 * 1024;

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    static DashboardClient.Upload csv(String content) {
        return new DashboardClient.Upload("customers.csv", "text/csv", content.getBytes(StandardCharsets.UTF_8));
    }

    /** Uploads the file on the page's form; answers the upload's answer. */
    static DashboardClient.Page upload(DashboardClient client, String onConflict, DashboardClient.Upload file) {
        var form = client.get("/dashboard/imports").expect(200);
        return client.upload("/dashboard/imports", Map.of("_csrf", form.csrf(), "on_conflict", onConflict), "file",
                file);
    }

    /** The id of the job the upload queued, from the redirect to its page. */
    static String queued(DashboardClient.Page answer) {
        assertThat(answer.status()).as("status of %s", answer.html()).isEqualTo(303);
        Matcher m = JOB.matcher(answer.header("Location"));
        assertThat(m.matches()).as(answer.header("Location")).isTrue();
        return m.group(1);
    }

    private JsonNode awaitEnd(StaffFixtures.Shop shop, String id) {
        JsonNode[] job = new JsonNode[1];
        Await.until(() -> {
            job[0] = api.get("/v1/admin/customers/imports/" + id).bearer(shop.tenant().sk()).send().expect(200).body();
            return ENDED.contains(job[0].path("status").asText());
        }, 30_000, "import " + id + " ended");
        return job[0];
    }

    private JsonNode customer(StaffFixtures.Shop shop, String email) {
        JsonNode found = api.get("/v1/admin/customers?query=" + email).bearer(shop.tenant().sk()).send().expect(200)
                .body().path("data");
        assertThat(found).as("customers found as %s", email).hasSize(1);
        return found.get(0);
    }

    private int imports(StaffFixtures.Shop shop) {
        return api.get("/v1/admin/customers/imports").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data").size();
    }

    private static String row(String first, String last, String email, String tags) {
        return first + "," + last + "," + email + ",yes,,1 Main St,,Springfield,,US,12345,,,no,0.00,0,," + tags + "\n";
    }

    @Test
    void ownerWhenUploadingAShopifyCsvThenTheCustomersAppearAndTheRefusedRowIsListed() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        assertThat(client.get("/dashboard/customers").expect(200).html()).contains("href=\"/dashboard/imports\"")
                .contains("Import customers");
        var form = client.get("/dashboard/imports").expect(200);
        assertThat(form.html()).contains("enctype=\"multipart/form-data\"").contains("accept=\".csv,text/csv\"")
                .contains("value=\"skip\" checked>").contains("value=\"update\"").contains("at most 20 MB")
                .contains("No imports yet.");
        String grace = Fixtures.uniqueEmail();
        String ada = Fixtures.uniqueEmail();

        String id = queued(upload(client, "skip", csv(SHOPIFY_HEADER + "\n" + row("Grace", "Hopper", grace, "vip")
                + row("Bad", "Row", "not-an-email", "") + row("Ada", "Lovelace", ada, "\"a, b\""))));

        JsonNode job = awaitEnd(shop, id);
        assertThat(job.path("status").asText()).isEqualTo("succeeded");
        assertThat(job.path("created").asInt()).isEqualTo(2);
        assertThat(job.path("failed_rows").asInt()).isEqualTo(1);
        JsonNode hopper = customer(shop, grace);
        assertThat(hopper.path("first_name").asText()).isEqualTo("Grace");
        assertThat(customer(shop, ada).path("last_name").asText()).isEqualTo("Lovelace");

        var page = client.get("/dashboard/imports/" + id).expect(200);
        assertThat(page.html()).as("no reload once ended").doesNotContain("http-equiv=\"refresh\"")
                .doesNotContain("Cancel import").contains("succeeded").contains("3 of 3")
                .contains(shop.ownerEmail())
                .containsPattern("<tr><th scope=\"row\">3</th><td>[^<]*</td><td>[^<]+</td></tr>");
        JsonNode error = job.path("errors").get(0);
        assertThat(page.html()).contains("<td>" + error.path("field").asText() + "</td>");
        var listed = client.get("/dashboard/imports").expect(200);
        assertThat(listed.html()).contains("href=\"/dashboard/imports/" + id + "\"").contains("3 of 3")
                .contains(shop.ownerEmail()).doesNotContain("No imports yet.");

        // recorded as the staff member's, as the API records a key's
        JsonNode created = api.get("/v1/admin/audit?type=customer.created&customer_id=" + hopper.path("id").asText())
                .bearer(shop.tenant().sk()).send().expect(200).body().path("data").get(0);
        assertThat(created.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(created.path("data").path("import_id").asText()).isEqualTo(id);
        JsonNode summary = StaffFixtures.events(api, shop, "customers.imported").get(0);
        assertThat(summary.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(summary.path("data").path("created").asInt()).isEqualTo(2);
    }

    @Test
    void ownerWhenUpdatingKnownEmailsThenTheCustomerChangesAndWhenSkippingThenNot() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        String email = Fixtures.uniqueEmail();
        api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", email, "first_name", "Old"))
                .send().expect(201);

        awaitEnd(shop, queued(upload(client, "skip", csv("Email,First Name\n" + email + ",Skipped\n"))));
        assertThat(customer(shop, email).path("first_name").asText()).isEqualTo("Old");

        JsonNode job = awaitEnd(shop, queued(upload(client, "update", csv("Email,First Name\n" + email + ",New\n"))));

        assertThat(job.path("on_conflict").asText()).isEqualTo("update");
        assertThat(job.path("updated").asInt()).isEqualTo(1);
        assertThat(customer(shop, email).path("first_name").asText()).isEqualTo("New");
    }

    @Test
    void ownerWhenUpdatingWithPasswordHashesThenTheImportPageCountsThoseNotSet() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var shopper = Fixtures.shopper(api, shop.tenant());
        String hash = BcryptFunction.getInstance(Bcrypt.B, 4).hash("not the shopper's password").getResult();

        String id = queued(upload(client, "update", csv("Email,First Name,password_hash\n" + shopper.email()
                + ",Sally," + hash + "\n")));

        assertThat(awaitEnd(shop, id).path("passwords_kept").asInt()).isEqualTo(1);
        assertThat(client.get("/dashboard/imports/" + id).expect(200).html())
                .contains("<dt>Password hashes not set</dt><dd>1 ");
        assertThat(customer(shop, shopper.email()).path("first_name").asText()).isEqualTo("Sally");
    }

    @Test
    void ownerWhenChoosingWindows1252ThenTheFileIsReadInItAndOtherwiseRefusedAsNotUtf8() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var form = client.get("/dashboard/imports").expect(200);
        assertThat(form.html()).contains("<option value=\"utf-8\" selected>")
                .contains("<option value=\"windows-1252\">");
        String email = Fixtures.uniqueEmail();
        var excel = new DashboardClient.Upload("customers.csv", "application/vnd.ms-excel",
                ("Email,First Name,Last Name\n" + email + ",Zo\u00eb,O\u2019Brien\n")
                        .getBytes(Charset.forName("windows-1252")));

        assertRefused(client.upload("/dashboard/imports", Map.of("_csrf", form.csrf(), "on_conflict", "skip",
                "encoding", "utf-8"), "file", excel), 400, "not UTF-8 text");
        assertRefused(client.upload("/dashboard/imports", Map.of("_csrf", form.csrf(), "on_conflict", "skip",
                "encoding", "klingon"), "file", excel), 422, "encoding: UTF-8 or Windows-1252");
        assertThat(imports(shop)).isZero();
        awaitEnd(shop, queued(client.upload("/dashboard/imports", Map.of("_csrf", form.csrf(), "on_conflict", "skip",
                "encoding", "windows-1252"), "file", excel)));

        JsonNode imported = customer(shop, email);
        assertThat(imported.path("first_name").asText()).isEqualTo("Zo\u00eb");
        assertThat(imported.path("last_name").asText()).isEqualTo("O\u2019Brien");
    }

    @Test
    void supportWhenOpeningOrUploadingThenForbiddenAndNoLinkShown() {
        var shop = StaffFixtures.shop(api);
        String ownersImport = queued(upload(owner(shop), "skip", csv("Email\n" + Fixtures.uniqueEmail() + "\n")));
        var client = StaffTwoStep.support(api, shop);

        var customers = client.get("/dashboard/customers").expect(200);
        assertThat(customers.html()).doesNotContain("/dashboard/imports").doesNotContain("Import customers");
        client.get("/dashboard/imports").expect(403);
        client.get("/dashboard/imports/" + ownersImport).expect(403);
        client.upload("/dashboard/imports", Map.of("_csrf", customers.csrf(), "on_conflict", "skip"), "file",
                csv("Email\n" + Fixtures.uniqueEmail() + "\n")).expect(403);
        client.submit(customers, "/dashboard/imports/" + ownersImport + "/cancel", Map.of()).expect(403);

        assertThat(imports(shop)).isEqualTo(1);
    }

    @Test
    void ownerWhenTheImportIsAnotherShopsOrUnknownThenNotFound() {
        var shop = StaffFixtures.shop(api);
        String theirs = queued(upload(owner(StaffFixtures.shop(api)), "skip", csv("Email\n" + Fixtures.uniqueEmail()
                + "\n")));
        var client = owner(shop);
        var form = client.get("/dashboard/imports").expect(200);

        assertThat(client.get("/dashboard/imports/" + theirs).expect(404).html()).contains("Not found");
        client.get("/dashboard/imports/imp_unknown").expect(404);
        client.submit(form, "/dashboard/imports/" + theirs + "/cancel", Map.of()).expect(404);
        assertThat(client.get("/dashboard/imports").expect(200).html()).doesNotContain(theirs);
    }

    @Test
    void uploadWhenCsrfIsMissingOrWrongThenRefusedAndNothingQueued() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        client.get("/dashboard/imports").expect(200);
        var file = csv("Email\n" + Fixtures.uniqueEmail() + "\n");

        assertThat(client.upload("/dashboard/imports", Map.of("on_conflict", "skip"), "file", file).expect(403).html())
                .contains("This form has expired");
        client.upload("/dashboard/imports", Map.of("_csrf", "wrong", "on_conflict", "skip"), "file", file).expect(403);
        client.header("Sec-Fetch-Site", "cross-site");
        var form = client.get("/dashboard/imports");
        client.upload("/dashboard/imports", Map.of("_csrf", form.csrf(), "on_conflict", "skip"), "file", file)
                .expect(403);

        assertThat(imports(shop)).isZero();
    }

    @Test
    void uploadWhenTheFileIsMissingEmptyNotCsvOrTooLargeThenARefusalPageAndNothingQueued() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var form = client.get("/dashboard/imports").expect(200);
        Map<String, String> fields = Map.of("_csrf", form.csrf(), "on_conflict", "skip");

        assertRefused(client.upload("/dashboard/imports", fields, "file", null), 422, "Choose a CSV file to upload.");
        assertRefused(client.upload("/dashboard/imports", fields, "file", csv("")), 422,
                "The file holds no customers.");
        assertRefused(client.upload("/dashboard/imports", fields, "file", csv("Email,First Name\n")), 422,
                "The file holds no customers.");
        assertRefused(client.upload("/dashboard/imports", fields, "file", new DashboardClient.Upload("photo.png",
                "image/png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 1})), 415, "Choose a CSV file (.csv)");
        assertRefused(client.upload("/dashboard/imports", fields, "file", new DashboardClient.Upload("latin1.csv",
                "text/csv", "Email\nj\u00e9r\u00f4me@example.com\n".getBytes(StandardCharsets.ISO_8859_1))), 400,
                "UTF-8");
        assertRefused(client.upload("/dashboard/imports", Map.of("_csrf", form.csrf(), "on_conflict", "merge"), "file",
                csv("Email\n" + Fixtures.uniqueEmail() + "\n")), 422, "skip or update");
        assertRefused(client.postRaw("/dashboard/imports", "multipart/form-data; boundary=x", "--x\r\nnot a part"),
                400, "The upload could not be read.");
        assertRefused(client.submit(form, "/dashboard/imports", Map.of("on_conflict", "skip")), 415,
                "multipart/form-data");

        byte[] tooLarge = new byte[MAX_BYTES + 1];
        Arrays.fill(tooLarge, (byte) 'a');
        assertRefused(client.upload("/dashboard/imports", fields, "file", new DashboardClient.Upload("big.csv",
                "text/csv", tooLarge)), 413, "The file is larger than 20 MB.");
        byte[] farTooLarge = new byte[MAX_BYTES + 128 * 1024];
        Arrays.fill(farTooLarge, (byte) 'a');
        assertRefused(client.upload("/dashboard/imports", fields, "file", new DashboardClient.Upload("big.csv",
                "text/csv", farTooLarge)), 413, "larger than the server accepts");

        assertThat(imports(shop)).isZero();
        client.get("/dashboard/imports").expect(200);
    }

    @Test
    void uploadWhenTheNodeIsReadingAsManyUploadsAsItReadsAtOnceThenAnOverloadedPageAndNothingQueued() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        List<HeldUpload> held = new ArrayList<>();
        try {
            for (int i = 0; i < CustomerImports.UPLOADS_AT_ONCE; i++) {
                held.add(HeldUpload.start(api, "/v1/admin/customers/imports", Map.of("Authorization", "Bearer "
                        + Fixtures.tenant(api).sk(), "Content-Type", "text/csv"), ("Email\n" + Fixtures.uniqueEmail()
                        + "\n").getBytes(StandardCharsets.UTF_8)));
            }

            var refused = upload(client, "skip", csv("Email\n" + Fixtures.uniqueEmail() + "\n"));

            assertRefused(refused, 503, "Too many imports are being uploaded to this server at once");
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(imports(shop)).isZero();
            for (HeldUpload upload : held) {
                assertThat(upload.finish()).startsWith("HTTP/1.1 202 ");
            }
        } finally {
            held.forEach(HeldUpload::close);
        }
        queued(upload(client, "skip", csv("Email\n" + Fixtures.uniqueEmail() + "\n")));
    }

    @Test
    void uploadWhenRefusedThenItsUploadSlotIsFreedForTheNext() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var form = client.get("/dashboard/imports").expect(200);
        Map<String, String> fields = Map.of("_csrf", form.csrf(), "on_conflict", "skip");
        byte[] tooLarge = new byte[MAX_BYTES + 1];
        Arrays.fill(tooLarge, (byte) 'a');
        for (int i = 0; i < CustomerImports.UPLOADS_AT_ONCE; i++) {
            client.upload("/dashboard/imports", fields, "file", new DashboardClient.Upload("photo.png", "image/png",
                    new byte[]{1, 2})).expect(415);
            client.upload("/dashboard/imports", fields, "file", new DashboardClient.Upload("big.csv", "text/csv",
                    tooLarge)).expect(413);
            client.postRaw("/dashboard/imports", "multipart/form-data; boundary=x", "--x\r\nnot a part").expect(400);
            client.upload("/dashboard/imports", Map.of("on_conflict", "skip"), "file",
                    csv("Email\n" + Fixtures.uniqueEmail() + "\n")).expect(403);
        }
        queued(upload(client, "skip", csv("Email\n" + Fixtures.uniqueEmail() + "\n")));
    }

    private static void assertRefused(DashboardClient.Page page, int status, String message) {
        page.expect(status);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.header("Content-Security-Policy")).isEqualTo(DashboardRoutes.CSP);
        assertThat(page.html()).contains(message).contains("role=\"alert\"");
    }
}
