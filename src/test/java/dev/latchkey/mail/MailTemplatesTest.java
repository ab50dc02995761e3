package dev.latchkey.mail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class MailTemplatesTest extends MailTest {
    private static final String PATH = "/v1/admin/mail-templates/";

    private static Map<String, Object> template(String subject, String text, String html) {
        return new HashMap<>(Map.of("subject", subject, "text", text, "html", html));
    }

    private static Api.Res put(Fixtures.Tenant tenant, String name, String language, Map<String, Object> body) {
        return api.put(PATH + name + "/" + language).bearer(tenant.sk()).body(body).send();
    }

    private static void forgot(Fixtures.Tenant tenant, String email) {
        api.post("/v1/auth/password/forgot").key(tenant.pk()).body(Map.of("email", email)).send().expect(202);
    }

    @Test
    void putThenTenantsMailUsesOverrideAndOtherTenantKeepsShippedText() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        var stored = put(tenant, "password_reset", "en", template("Reset at {{shop_name}}, {{first_name}}",
                "Go here: {{link}}\nValid for {{expires_in}}.", "<p><a href=\"{{link}}\">Reset</a> {{first_name}}</p>"))
                .expect(200);
        assertThat(stored.body().path("overridden").asBoolean()).isTrue();

        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", "<Linus>"));
        forgot(tenant, shopper.email());
        MimeMessage mail = smtp.awaitOne(shopper.email());
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.subject(mail)).isEqualTo("Reset at Test Shop, <Linus>");
        assertThat(TestSmtp.text(mail)).isEqualTo("Go here: " + SHOP + "?token=" + token + "\nValid for 15 minutes.");
        assertThat(TestSmtp.html(mail)).contains("&lt;Linus&gt;").doesNotContain("<Linus>").contains("<html lang=\"en\">");

        var otherShopper = Fixtures.shopper(api, other);
        forgot(other, otherShopper.email());
        assertThat(TestSmtp.subject(smtp.awaitOne(otherShopper.email()))).isEqualTo("Reset your Test Shop password");

        api.delete("/v1/admin/mail-templates/password_reset/en").bearer(tenant.sk()).send().expect(204);
        JsonNode changes = api.get("/v1/admin/audit?type=mail_template.changed").bearer(tenant.sk()).send()
                .expect(200).body().path("data");
        assertThat(changes.findValuesAsText("change")).containsExactly("shipped_text_restored", "replaced");
        assertThat(changes.get(1).path("data").path("template").asText()).isEqualTo("password_reset");
        assertThat(changes.get(1).path("data").path("language").asText()).isEqualTo("en");
        assertThat(api.get("/v1/admin/audit?type=mail_template.changed").bearer(other.sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void sendWhenANameNestsTheTokenPlaceholderThenTheTokenAppearsOnlyInTheLink() {
        var tenant = shop(Map.of());
        put(tenant, "password_reset", "en", template("Reset", "Hello {{first_name}}: {{link}}", "<p>{{link}}</p>"))
                .expect(200);
        // what is left once the inner placeholder is taken out is the placeholder again
        var shopper = Fixtures.shopper(api, tenant,
                Map.of("first_name", "%%LATCHKEY-%%LATCHKEY-SECRET%%SECRET%%"));

        forgot(tenant, shopper.email());

        MimeMessage mail = smtp.awaitOne(shopper.email());
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.text(mail)).isEqualTo("Hello : " + SHOP + "?token=" + token);
    }

    @Test
    void sendWhenTheSubjectIsCutThenNoCharacterIsCutInHalf() {
        var tenant = shop(Map.of());
        put(tenant, "password_reset", "en", template("x" + "{{first_name}}".repeat(35), "{{link}}", "<p>{{link}}</p>"))
                .expect(200);
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of("first_name", emoji.repeat(50)));

        forgot(tenant, shopper.email());

        // cut at 900 characters, as the template's own limit counts them: 1,799 UTF-16 units, none of them half an emoji
        assertThat(TestSmtp.subject(smtp.awaitOne(shopper.email()))).isEqualTo("x" + emoji.repeat(899));
    }

    @Test
    void sendWhenTheOverrideShowsOnlyTheLinkButTheTenantHasNoOriginThenTheShippedTextCarriesTheToken() {
        var noOrigin = Fixtures.tenant(api);
        put(noOrigin, "password_reset", "en", template("Reset", "Go here: {{link}}", "<p>{{link}}</p>")).expect(200);
        var shopper = Fixtures.shopper(api, noOrigin);

        forgot(noOrigin, shopper.email());

        MimeMessage mail = smtp.awaitOne(shopper.email());
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.text(mail)).doesNotContain("Go here").contains(token);
        api.post("/v1/auth/password/reset").key(noOrigin.pk())
                .body(Map.of("token", token, "new_password", "a brand new passphrase")).send().expect(200);
    }

    @Test
    void sendWhenTheOverrideHtmlShowsOnlyTheLinkButTheTenantHasNoOriginThenTheShippedHtmlCarriesTheToken() {
        var noOrigin = Fixtures.tenant(api);
        put(noOrigin, "password_reset", "en", template("Reset",
                "{{#link}}Go here: {{link}}{{/link}}{{^link}}Code: {{token}}{{/link}}", "<p>Open {{link}}</p>"))
                .expect(200);
        var shopper = Fixtures.shopper(api, noOrigin);

        forgot(noOrigin, shopper.email());

        MimeMessage mail = smtp.awaitOne(shopper.email());
        String token = TestSmtp.token(mail);
        assertThat(TestSmtp.html(mail)).doesNotContain("<p>Open").contains(token);
        assertThat(TestSmtp.text(mail)).doesNotContain("Code: ").contains(token);
    }

    @Test
    void sendWhenTheOverrideRendersLargerThanTheOutboxHoldsThenTheShippedTextGoesOutAndTheRequestSucceeds() {
        var tenant = shop(Map.of());
        // within the template's own limits, but every {{link}} becomes a whole URL: 2,200 of them outgrow a mail's text
        put(tenant, "verify_email", "en", template("Verify", "{{link}}\n".repeat(2_200), "<p>{{link}}</p>"))
                .expect(200);
        var other = shop(Map.of());
        put(other, "verify_email", "en", template("Verify", "{{link}}", "<p>{{link}}</p>".repeat(6_000)))
                .expect(200);

        for (var shop : List.of(tenant, other)) {
            String email = Fixtures.uniqueEmail();
            register(shop, email, Map.of("verification_url", SHOP)).expect(201);
            MimeMessage mail = smtp.awaitOne(email);
            assertThat(TestSmtp.subject(mail)).isEqualTo("Confirm your email address for Test Shop");
            verify(shop, Map.of("token", TestSmtp.token(mail))).expect(200);
        }
    }

    @Test
    void putWhenNewLanguageThenCustomersPreferringItGetIt() {
        var tenant = shop(Map.of());
        put(tenant, "password_reset", "fr", template("Réinitialiser", "Lien : {{link}}",
                "<!DOCTYPE html><html lang=\"fr\"><body><a href=\"{{link}}\">Lien</a></body></html>")).expect(200);
        var french = Fixtures.shopper(api, tenant, Map.of("preferred_language", "fr-CA"));
        var german = Fixtures.shopper(api, tenant, Map.of("preferred_language", "de"));
        var other = Fixtures.shopper(api, tenant, Map.of("preferred_language", "ja"));
        forgot(tenant, french.email());
        forgot(tenant, german.email());
        forgot(tenant, other.email());
        MimeMessage frenchMail = smtp.awaitOne(french.email());
        assertThat(TestSmtp.subject(frenchMail)).isEqualTo("Réinitialiser");
        assertThat(TestSmtp.html(frenchMail)).startsWith("<!DOCTYPE html><html lang=\"fr\">");
        assertThat(TestSmtp.subject(smtp.awaitOne(german.email()))).isEqualTo("Passwort für Test Shop zurücksetzen");
        assertThat(TestSmtp.subject(smtp.awaitOne(other.email()))).isEqualTo("Reset your Test Shop password");
    }

    @Test
    void getListAndDeleteThenShippedTextReturns() {
        var tenant = Fixtures.tenant(api);
        var shipped = api.get(PATH + "verify_email/de").bearer(tenant.sk()).send().expect(200);
        assertThat(shipped.body().path("overridden").asBoolean()).isFalse();
        assertThat(shipped.str("text")).contains("{{link}}");
        api.get(PATH + "verify_email/fr").bearer(tenant.sk()).send().expect(404, "not_found");
        assertThat(api.get("/v1/admin/mail-templates").bearer(tenant.sk()).send().expect(200).body().path("data"))
                .isEmpty();

        put(tenant, "verify_email", "DE", template("Hallo", "{{token}}", "<p>{{token}}</p>")).expect(200);
        var list = api.get("/v1/admin/mail-templates").bearer(tenant.sk()).send().expect(200).body().path("data");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("language").asText()).isEqualTo("de");
        assertThat(api.get(PATH + "verify_email/de").bearer(tenant.sk()).send().expect(200).str("subject"))
                .isEqualTo("Hallo");

        api.delete(PATH + "verify_email/de").bearer(tenant.sk()).send().expect(204);
        api.delete(PATH + "verify_email/de").bearer(tenant.sk()).send().expect(404, "not_found");
        assertThat(api.get(PATH + "verify_email/de").bearer(tenant.sk()).send().expect(200).body()
                .path("overridden").asBoolean()).isFalse();
    }

    @Test
    void putWhenTemplateBrokenThenValidationFailed() {
        var tenant = Fixtures.tenant(api);
        var unclosed = put(tenant, "verify_email", "en", template("Hi", "{{#link}}{{link}}", "<p></p>"))
                .expect(422, "validation_failed");
        assertThat(unclosed.body().path("errors").get(0).path("field").asText()).isEqualTo("text");
        var unknown = put(tenant, "verify_email", "en", template("Hi {{password}}", "{{link}}", "<p></p>"))
                .expect(422, "validation_failed");
        assertThat(unknown.body().path("errors").get(0).path("code").asText()).isEqualTo("unknown_variable");
        var noToken = put(tenant, "deletion_confirm", "en", template("Bye", "Bye {{first_name}}", "<p>{{link}}</p>"))
                .expect(422, "validation_failed");
        assertThat(noToken.body().path("errors").get(0).path("code").asText()).isEqualTo("missing_token");
        // a secret only some shoppers would see, or none, or one in the subject
        for (String text : List.of("T {{^link}}{{token}}{{/link}}", "{{#link}}{{^link}}{{link}}{{/link}}{{/link}}",
                "{{#first_name}}{{link}}{{/first_name}}", "{{#link}}{{link}}{{/link}}{{^link}}code{{/link}} {{^token}}{{/token}}")) {
            var hidden = put(tenant, "verify_email", "en", template("V", text, "<p>{{link}}</p>")).expect(422);
            assertThat(hidden.body().path("errors").get(0).path("code").asText()).as(text).isEqualTo("missing_token");
        }
        // the HTML part, which most mail programs show alone, carries the secret as surely as the text
        for (String html : List.of("<p>x</p>", "<p>{{#first_name}}{{link}}{{/first_name}}</p>",
                "<p>{{^link}}{{token}}{{/link}}</p>", "<p>Reset</p><!-- {{token}} -->",
                "<html><head><title>{{link}}</title></head><body><p>Use the other part</p></body></html>",
                "<style>a::after { content: '{{link}}'; }</style><p>Reset</p>", "<p>Reset below</p><!-- {{link}}",
                "<p>Reset</p><style>{{link}}", "<p>Reset</p><![CDATA[{{link}}]]>", "<? {{link}} >",
                "<iframe src=\"{{link}}\"></iframe>", "<p title=\"{{link}}\">Reset</p>",
                "<img src=\"{{link}}\" alt=\"Reset\">", "<span title=\"x>{{link}}\">hello</span>",
                "<a data-href=\"{{link}}\">Open</a>", "<a title=\"see href={{link}}\" href=\"https://shop.example\">Open</a>",
                "<p style=\"color:red;>{{link}}</p>", "<template><template></template>{{link}}</template>")) {
            var hidden = put(tenant, "password_reset", "en", template("R", "{{link}}", html)).expect(422);
            assertThat(hidden.body().path("errors")).as(html).singleElement().satisfies(error -> {
                assertThat(error.path("field").asText()).isEqualTo("html");
                assertThat(error.path("code").asText()).isEqualTo("missing_token");
            });
        }
        assertThat(api.get(PATH + "password_reset/en").bearer(tenant.sk()).send().expect(200).body()
                .path("overridden").asBoolean()).isFalse();
        for (String subject : List.of("Your code {{token}}", "{{#link}}Open {{link}}{{/link}}")) {
            var inSubject = put(tenant, "password_reset", "en", template(subject, "{{link}}", "<p>x</p>")).expect(422);
            assertThat(inSubject.body().path("errors").get(0).path("code").asText()).isEqualTo("secret_in_subject");
        }
        put(tenant, "verify_email", "en", template("V", "{{#link}}Open {{link}}{{/link}}{{^link}}Code {{token}}{{/link}}",
                "<p>{{link}}</p>")).expect(200);
        put(tenant, "password_reset", "en", template("R", "{{link}}", "<html><head><title>Reset</title></head><body>"
                + "<p><a class=\"button\" href=\"{{link}}\">Reset your password</a></p></body></html>")).expect(200);
        // a long inline style before the link's target, as mail builders write it
        put(tenant, "password_reset", "en", template("R", "{{link}}", "<a style=\"" + "color:#123456;".repeat(100)
                + "\" href=\"{{link}}\">Reset</a>")).expect(200);
        // the head's end tag is optional in HTML, and so are the quotes of an attribute
        put(tenant, "password_reset", "en", template("R", "{{link}}", "<html><head><meta charset=utf-8><body>"
                + "<p><a href={{link}}>Reset your password</a></p>")).expect(200);
        put(tenant, "password_changed_notice", "en", template("Hi", "{{link}}", "<p></p>"))
                .expect(422, "validation_failed");
        put(tenant, "verify_email", "en", Map.of("subject", "Hi")).expect(422, "validation_failed");
        put(tenant, "verify_email", "en", template("Hi", "{{token}}", "x".repeat(100_001)))
                .expect(422, "validation_failed");
        api.put(PATH + "verify_email/en").bearer(tenant.sk()).body("{").send().expect(400, "malformed_json");
    }

    /**
     * The check of what the HTML shows reads it in one pass: a search for a link's target from each of 33,000 "<a "
     * took 20 s. ({{link}} after an unclosed tag is inside it, so nothing shows it.)
     */
    @Test
    void putWhenTheHtmlIsBuiltToMakeTheCheckSlowThenItIsStillAnsweredAtOnce() {
        var tenant = Fixtures.tenant(api);
        String html = "<a ".repeat(33_000) + "{{link}}";

        var answer = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> put(tenant, "password_reset", "en", template("R", "{{link}}", html)));

        assertThat(answer.status()).isEqualTo(422);
    }

    @Test
    void putWhenSameTemplateStoredConcurrentlyThenEveryPutSucceedsAndOneOverrideStays() {
        var tenant = Fixtures.tenant(api);
        for (int round = 0; round < 3; round++) {
            List<String> subjects = IntStream.range(0, 8).mapToObj(i -> "Reset " + i).toList();
            List<Api.Res> answers = Concurrently.all(subjects.stream().<Callable<Api.Res>>map(subject ->
                    () -> put(tenant, "password_reset", "en", template(subject, "{{link}}", "<p>{{link}}</p>")))
                    .toList());

            assertThat(answers).extracting(Api.Res::status).containsOnly(200);
            var list = api.get("/v1/admin/mail-templates").bearer(tenant.sk()).send().expect(200).body().path("data");
            assertThat(list).hasSize(1);
            assertThat(list.get(0).path("subject").asText()).isIn(subjects);
            api.delete(PATH + "password_reset/en").bearer(tenant.sk()).send().expect(204);
        }
    }

    @Test
    void routesWhenUnknownTemplateOrWrongKeyThenRefused() {
        var tenant = Fixtures.tenant(api);
        api.get(PATH + "welcome/en").bearer(tenant.sk()).send().expect(404, "not_found");
        put(tenant, "welcome", "en", template("a", "b", "c")).expect(404, "not_found");
        put(tenant, "verify_email", "not%20a%20language!", template("a", "{{token}}", "c")).expect(404, "not_found");
        api.get("/v1/admin/mail-templates").bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.get("/v1/admin/mail-templates").send().expect(401, "invalid_api_key");
        api.delete(PATH + "verify_email/en").bearer(tenant.pk()).send().expect(403, "insufficient_scope");
    }
}
