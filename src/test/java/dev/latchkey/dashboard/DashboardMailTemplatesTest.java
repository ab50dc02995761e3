package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's Notifications pages: which emails use the shop's own text, a change saved as the admin API's PUT
 * would save it (and used by the next mail), refused as it would refuse it with the text kept, previewed without
 * running anything in it, restored to the default only with the box ticked; the owner's pages only, behind the CSRF
 * token.
 */
class DashboardMailTemplatesTest extends MailTest {
    private static final String PATH = "/dashboard/mail-templates";
    private static final String VERIFY_EN = PATH + "/verify_email/en";
    private static final String API = "/v1/admin/mail-templates/";
    private static final Pattern SRCDOC = Pattern.compile("<iframe [^>]*srcdoc=\"([^\"]*)\"");

    private static StaffFixtures.Shop shopWithOrigin() {
        return StaffFixtures.shop(api, Map.of("allowed_origins", List.of(SHOP)));
    }

    /** The owner in a session confirmed with their password: an email's form opens and saves. */
    private static DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.confirmedOwner(api, shop);
    }

    private static Map<String, String> form(String subject, String text, String html) {
        return new HashMap<>(Map.of("subject", subject, "text", text, "html", html));
    }

    private static Map<String, String> valid() {
        return form("Welcome to {{shop_name}}: one step left",
                "Hi{{#first_name}} {{first_name}}{{/first_name}},\r\nconfirm here: {{link}}{{^link}}{{token}}{{/link}}",
                "<p><a href=\"{{link}}\">Confirm</a> {{^link}}{{token}}{{/link}}</p>");
    }

    private static JsonNode stored(StaffFixtures.Shop shop, String template, String language) {
        return api.get(API + template + "/" + language).bearer(shop.tenant().sk()).send().expect(200).body();
    }

    private static String cell(DashboardClient.Page page, String template, String language) {
        Matcher row = Pattern.compile("<tr data-template=\"" + template + "\">(.*?)</tr>", Pattern.DOTALL)
                .matcher(page.html());
        assertThat(row.find()).as("a row for %s", template).isTrue();
        Matcher cell = Pattern.compile("<td data-language=\"" + language + "\">(.*?)</td>", Pattern.DOTALL)
                .matcher(row.group(1));
        assertThat(cell.find()).as("a cell for %s", language).isTrue();
        return cell.group(1);
    }

    @Test
    void listWhenSomeEmailsHaveTheShopsOwnTextThenTheyShowCustomisedAndTheOthersDefault() {
        var shop = shopWithOrigin();
        api.put(API + "password_reset/de").bearer(shop.tenant().sk()).body(Map.of("subject", "Neues Passwort",
                "text", "{{link}}", "html", "<a href=\"{{link}}\">{{link}}</a>")).send().expect(200);
        api.put(API + "login_code/fr").bearer(shop.tenant().sk()).body(Map.of("subject", "Votre code",
                "text", "Code : {{token}}", "html", "<p>{{token}}</p>")).send().expect(200);
        var client = owner(shop);

        var list = client.get(PATH).expect(200);
        assertThat(list.html()).contains("href=\"/dashboard/mail-templates\" aria-current=\"page\">Notifications")
                .contains("<th scope=\"col\"><code>en</code></th><th scope=\"col\"><code>de</code></th>"
                        + "<th scope=\"col\"><code>fr</code></th>")
                .contains("Email verification").contains("Passkey added");
        assertThat(cell(list, "password_reset", "de")).contains("href=\"" + PATH + "/password_reset/de\"")
                .contains("Customised");
        assertThat(cell(list, "password_reset", "en")).contains("Default").doesNotContain("Customised");
        assertThat(cell(list, "login_code", "fr")).contains("Customised");
        assertThat(cell(list, "verify_email", "fr")).contains("Default").doesNotContain("Customised");

        // a language to add gets its column; what is not a language tag is named at its field
        var added = client.get(PATH + "?language=pt-BR").expect(200);
        assertThat(cell(added, "invitation", "pt-br")).contains("href=\"" + PATH + "/invitation/pt-br\"")
                .contains("Default");
        var refused = client.get(PATH + "?language=%3Cb%3E").expect(422);
        assertThat(refused.html()).contains("Not a language tag").contains("value=\"&lt;b>\"")
                .doesNotContain("<b>");

        // a language of the shop's own without its text starts from the text its customers get now
        var french = client.get(PATH + "/verify_email/fr").expect(200);
        assertThat(french.html()).contains("No text of its own")
                .contains("value=\"Confirm your email address for {{shop_name}}\"");
    }

    @Test
    void saveWhenValidThenStoredAsTheApiStoresItRecordedAndTheNextVerificationMailUsesIt() {
        var shop = shopWithOrigin();
        var client = owner(shop);
        var page = client.get(VERIFY_EN).expect(200);
        assertThat(page.html()).contains("<strong>Default</strong>")
                .contains("value=\"Confirm your email address for {{shop_name}}\"")
                .contains("<dt><code>{{link}}</code></dt>").contains("<dt><code>{{expires_in}}</code></dt>")
                .doesNotContain("{{new_email}}").doesNotContain("Restore default");

        client.submit(page, VERIFY_EN, valid()).expectRedirect(VERIFY_EN + "?notice=mail_template_saved");

        JsonNode stored = stored(shop, "verify_email", "en");
        assertThat(stored.path("overridden").asBoolean()).isTrue();
        assertThat(stored.path("subject").asText()).isEqualTo("Welcome to {{shop_name}}: one step left");
        // the browser's CRLF line breaks are stored as the LF typed
        assertThat(stored.path("text").asText())
                .isEqualTo("Hi{{#first_name}} {{first_name}}{{/first_name}},\n"
                        + "confirm here: {{link}}{{^link}}{{token}}{{/link}}");
        JsonNode event = StaffFixtures.events(api, shop, "mail_template.changed").get(0);
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(event.path("data").path("change").asText()).isEqualTo("replaced");
        var saved = client.get(VERIFY_EN + "?notice=mail_template_saved").expect(200);
        assertThat(saved.html()).contains("The template was saved.").contains("Customised").contains("Restore default");
        assertThat(cell(client.get(PATH).expect(200), "verify_email", "en")).contains("Customised");

        String email = Fixtures.uniqueEmail();
        register(shop.tenant(), email, Map.of("verification_url", SHOP)).expect(201);
        MimeMessage mail = smtp.awaitOne(email);
        assertThat(TestSmtp.subject(mail)).isEqualTo("Welcome to Staffed Shop: one step left");
        assertThat(TestSmtp.text(mail)).startsWith("Hi,\nconfirm here: " + SHOP + "?token=" + TestSmtp.token(mail));
    }

    @Test
    void saveWhenTheApiWouldRefuseItThenTheSameMessagesAtTheirFieldsTheTextKeptAndNothingSaved() {
        var shop = shopWithOrigin();
        var client = owner(shop);
        var page = client.get(VERIFY_EN).expect(200);
        Map<String, String> typos = form("Hi {{coupon}}", "Only a greeting for {{first_name}}",
                "<p>Hello</p><!-- {{link}} -->");

        var refused = client.submit(page, VERIFY_EN, typos).expect(422);
        var api422 = api.put(API + "verify_email/en").bearer(shop.tenant().sk()).body(typos).send().expect(422);
        assertThat(api422.body().path("errors").findValuesAsText("code"))
                .contains("unknown_variable", "missing_token");
        for (JsonNode error : api422.body().path("errors")) {
            assertThat(refused.html()).contains(escaped(error.path("message").asText()));
        }
        assertThat(refused.html()).contains("Nothing was saved").contains("value=\"Hi {{coupon}}\"")
                .contains(">\nOnly a greeting for {{first_name}}</textarea>")
                .contains("&lt;p&gt;Hello&lt;/p&gt;&lt;!-- {{link}} --&gt;</textarea>")
                .contains("id=\"template-subject-error\"").contains("id=\"template-html-error\"")
                .contains("id=\"no-preview\"");

        // an HTML part over the API's 100,000 characters, and a blank subject
        Map<String, String> oversized = valid();
        oversized.put("html", "<p>{{link}}</p>" + "x".repeat(100_000));
        oversized.put("subject", " ");
        var tooLong = client.submit(page, VERIFY_EN, oversized).expect(422);
        assertThat(tooLong.html()).contains("html must be at most 100000 characters.")
                .contains("subject is required.");

        assertThat(stored(shop, "verify_email", "en").path("overridden").asBoolean()).isFalse();
        assertThat(StaffFixtures.events(api, shop, "mail_template.changed")).isEmpty();
    }

    @Test
    void previewWhenTheTemplateHoldsScriptThenNothingRunsInTheDashboardAndNothingIsSaved() {
        var shop = shopWithOrigin();
        var client = owner(shop);
        var page = client.get(VERIFY_EN).expect(200);
        assertThat(page.html()).contains("id=\"preview-subject\">Confirm your email address for Staffed Shop<");

        Map<String, String> hostile = form("<b>Hi</b> {{first_name}}",
                "</textarea><script>alert(1)</script> {{link}}{{^link}}{{token}}{{/link}}",
                "<p onclick=\"alert(2)\">{{first_name}}</p><script>alert(3)</script>"
                        + "<a href=\"{{link}}\">go</a>{{^link}}{{token}}{{/link}}<img src=x onerror=alert(4)>");
        var preview = client.submit(page, VERIFY_EN + "/preview", hostile).expect(200);

        String html = preview.html();
        assertThat(html).doesNotContain("<script").doesNotContain("<b>").doesNotContain("<img")
                .contains("id=\"preview-subject\">&lt;b&gt;Hi&lt;/b&gt; Ada<")
                .contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; "
                        + "https://shop.example.com/account?token=");
        Matcher iframe = SRCDOC.matcher(html);
        assertThat(iframe.find()).as("the HTML part in an iframe").isTrue();
        assertThat(iframe.group(0)).contains("sandbox=\"\"");
        assertThat(iframe.group(1)).doesNotContain("<").contains("&lt;script>alert(3)&lt;/script>")
                .contains("Ada");
        // the HTML part is text on the dashboard's page (in the form, and in the frame's document), never its markup
        assertThat(html).doesNotContain("<p onclick");
        assertThat(preview.header("Content-Security-Policy")).isEqualTo(DashboardRoutes.CSP)
                .doesNotContain("unsafe");

        // a preview saves nothing; a refused one shows no preview
        assertThat(stored(shop, "verify_email", "en").path("overridden").asBoolean()).isFalse();
        client.get(VERIFY_EN + "/preview").expectRedirect(VERIFY_EN);
        var broken = client.submit(page, VERIFY_EN + "/preview", form("{{#first_name}}", "{{link}}", "{{link}}"))
                .expect(422);
        assertThat(broken.html()).contains("id=\"no-preview\"").contains("is never closed");
    }

    @Test
    void restoreWhenTheBoxIsTickedThenTheDefaultIsBackAndRecorded() {
        var shop = shopWithOrigin();
        api.put(API + "password_reset/en").bearer(shop.tenant().sk()).body(Map.of("subject", "Own",
                "text", "{{link}}", "html", "<a href=\"{{link}}\">{{link}}</a>")).send().expect(200);
        var client = owner(shop);
        String path = PATH + "/password_reset/en";
        var page = client.get(path).expect(200);
        assertThat(page.html()).contains("Restore default").contains("value=\"Own\"");

        client.submit(page, path + "/restore", Map.of()).expect(422);
        assertThat(stored(shop, "password_reset", "en").path("overridden").asBoolean()).isTrue();

        client.submit(page, path + "/restore", Map.of("confirm", "yes"))
                .expectRedirect(path + "?notice=mail_template_restored");
        assertThat(stored(shop, "password_reset", "en").path("overridden").asBoolean()).isFalse();
        JsonNode event = StaffFixtures.events(api, shop, "mail_template.changed").get(0);
        assertThat(event.path("data").path("change").asText()).isEqualTo("shipped_text_restored");
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        var restored = client.get(path + "?notice=mail_template_restored").expect(200);
        assertThat(restored.html()).contains("The default text was restored.").doesNotContain("Restore default")
                .contains("value=\"Reset your {{shop_name}} password\"");
        // nothing of the shop's own is left to remove
        client.submit(page, path + "/restore", Map.of("confirm", "yes")).expect(404);
    }

    @Test
    void formWhenTheSessionIsNotConfirmedThenThePasswordIsAskedForFirstAndLeadsBackToThatEmail() {
        var shop = shopWithOrigin();
        var client = StaffTwoStep.owner(api, shop);
        assertThat(client.get(PATH).expect(200).html()).contains("data-template=\"password_reset\"")
                .doesNotContain("Confirm your password");

        var asked = client.get(PATH + "/password_reset/DE").expect(200);
        assertThat(asked.html()).contains("<h1>Confirm your password</h1>")
                .contains("Editing an email needs your password").contains("name=\"next\" value=\"mail-templates\"")
                .contains("name=\"at\" value=\"password_reset/DE\"")
                .contains("href=\"/dashboard/mail-templates\" aria-current=\"page\"")
                .doesNotContain("<textarea").doesNotContain("Nothing was changed");
        // an address of no email asks for the password too, and leads to the list
        assertThat(client.get(PATH + "/welcome_email/en").expect(200).html()).contains("Confirm your password")
                .doesNotContain("name=\"at\"");

        client.submit(asked, "/dashboard/confirm", Map.of("next", "mail-templates", "at", "password_reset/DE",
                "password", shop.ownerPassword())).expectRedirect(PATH + "/password_reset/de");
        assertThat(client.get(PATH + "/password_reset/de").expect(200).html()).contains("<textarea")
                .doesNotContain("Confirm your password");
        assertThat(StaffFixtures.events(api, shop, "staff.confirmed")).hasSize(1);
    }

    @Test
    void saveWhenTheSessionIsNotConfirmedThenRefusedWithThePasswordFormAndNothingSaved() {
        var shop = shopWithOrigin();
        var client = StaffTwoStep.owner(api, shop);
        var list = client.get(PATH).expect(200);
        Map<String, String> elsewhere = form("Reset your password", "Reset it here: https://evil.example/?t={{token}}",
                "<a href=\"https://evil.example/?t={{token}}\">Reset it</a>");

        var refused = client.submit(list, PATH + "/password_reset/en", elsewhere).expect(403);

        assertThat(refused.html()).contains("Nothing was changed").contains("action=\"/dashboard/confirm\"")
                .contains("name=\"at\" value=\"password_reset/en\"").doesNotContain("evil.example");
        assertThat(stored(shop, "password_reset", "en").path("overridden").asBoolean()).isFalse();
        assertThat(StaffFixtures.events(api, shop, "mail_template.changed")).isEmpty();
        // the preview and the shipped text ask nothing: neither puts a text of the form in force
        client.submit(list, PATH + "/password_reset/en/preview", elsewhere).expect(200);
        api.put(API + "password_reset/en").bearer(shop.tenant().sk()).body(Map.of("subject", "Own",
                "text", "{{link}}", "html", "<a href=\"{{link}}\">{{link}}</a>")).send().expect(200);
        client.submit(list, PATH + "/password_reset/en/restore", Map.of("confirm", "yes"))
                .expectRedirect(PATH + "/password_reset/en?notice=mail_template_restored");
        assertThat(stored(shop, "password_reset", "en").path("overridden").asBoolean()).isFalse();

        // confirmed on the form the refusal showed, the same text saves
        client.submit(refused, "/dashboard/confirm", Map.of("next", "mail-templates", "at", "password_reset/en",
                "password", shop.ownerPassword())).expectRedirect(PATH + "/password_reset/en");
        client.submit(client.get(PATH + "/password_reset/en").expect(200), PATH + "/password_reset/en", elsewhere)
                .expectRedirect(PATH + "/password_reset/en?notice=mail_template_saved");
        assertThat(stored(shop, "password_reset", "en").path("text").asText()).contains("https://evil.example/");
    }

    @Test
    void saveWhenTheFormWasLoadedConfirmedButIsSentAfterTheTenMinutesThenRefusedAndNothingSaved() {
        var shop = shopWithOrigin();
        var client = owner(shop);
        var page = client.get(VERIFY_EN).expect(200);
        server.clock.advance(Duration.ofMinutes(10));

        assertThat(client.submit(page, VERIFY_EN, valid()).expect(403).html()).contains("Nothing was changed");

        assertThat(stored(shop, "verify_email", "en").path("overridden").asBoolean()).isFalse();
        assertThat(client.get(VERIFY_EN).expect(200).html()).contains("Confirm your password");
    }

    @Test
    void supportWhenOpeningOrSendingAnyFormThenRefusedWithoutALinkAndNothingChanges() {
        var shop = shopWithOrigin();
        var support = StaffTwoStep.support(api, shop);
        var customers = support.get("/dashboard/customers").expect(200);
        assertThat(customers.html()).doesNotContain(PATH);

        support.get(PATH).expect(403);
        // the role is refused before any confirmation is asked for, and a confirmation is no way in
        assertThat(support.get(VERIFY_EN).expect(403).html()).doesNotContain("<textarea")
                .doesNotContain("Confirm your password");
        support.submit(customers, "/dashboard/confirm", Map.of("next", "mail-templates", "at", "verify_email/en",
                "password", Fixtures.PASSWORD)).expect(403);
        assertThat(support.submit(customers, VERIFY_EN, valid()).expect(403).html())
                .doesNotContain("Confirm your password");
        support.submit(customers, VERIFY_EN + "/preview", valid()).expect(403);
        api.put(API + "verify_email/en").bearer(shop.tenant().sk()).body(valid()).send().expect(200);
        support.submit(customers, VERIFY_EN + "/restore", Map.of("confirm", "yes")).expect(403);

        assertThat(stored(shop, "verify_email", "en").path("subject").asText())
                .isEqualTo("Welcome to {{shop_name}}: one step left");
        assertThat(StaffFixtures.events(api, shop, "mail_template.changed")).hasSize(1);
        assertThat(StaffFixtures.events(api, shop, "staff.confirmed")).isEmpty();
    }

    @Test
    void unknownTemplateOrLanguageThenTheNotFoundPage() {
        var shop = shopWithOrigin();
        var client = owner(shop);
        var page = client.get(PATH).expect(200);

        assertThat(client.get(PATH + "/welcome_email/en").expect(404).html()).contains("Not found");
        assertThat(client.get(PATH + "/verify_email/not_a_language").expect(404).html()).contains("Not found");
        client.submit(page, PATH + "/welcome_email/en", valid()).expect(404);
        client.submit(page, PATH + "/verify_email/xx_yy/preview", valid()).expect(404);
        client.submit(page, PATH + "/verify_email/en/restore", Map.of("confirm", "yes")).expect(404);
        assertThat(api.get("/v1/admin/mail-templates").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void formWhenTheCsrfTokenIsMissingOrWrongOrItComesFromAnotherSiteThenRefusedAndNothingSaved() {
        var shop = shopWithOrigin();
        var client = owner(shop);
        client.get(VERIFY_EN).expect(200);

        client.post(VERIFY_EN, valid()).expect(403);
        Map<String, String> wrong = valid();
        wrong.put("_csrf", "0".repeat(64));
        client.post(VERIFY_EN, wrong).expect(403);
        api.put(API + "verify_email/en").bearer(shop.tenant().sk()).body(valid()).send().expect(200);
        client.post(VERIFY_EN + "/restore", Map.of("confirm", "yes")).expect(403);
        var page = client.get(VERIFY_EN).expect(200);
        client.header("Sec-Fetch-Site", "cross-site")
                .submit(page, VERIFY_EN + "/restore", Map.of("confirm", "yes")).expect(403);

        assertThat(stored(shop, "verify_email", "en").path("overridden").asBoolean()).isTrue();
        assertThat(StaffFixtures.events(api, shop, "mail_template.changed")).hasSize(1);
    }

    /** A message as the page writes it: HTML-escaped. */
    private static String escaped(String message) {
        return message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }
}
