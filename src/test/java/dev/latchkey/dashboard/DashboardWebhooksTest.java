package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardWebhooksTest extends ApiTest {
    private static final Pattern SECRET = Pattern.compile("whsec_[A-Za-z0-9_-]+");
    /** The test servers allow plain http to private addresses; nothing listens on port 9. */
    private static final String URL = "http://127.0.0.1:9/hooks";

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    private DashboardClient confirmedOwner(StaffFixtures.Shop shop) {
        return StaffTwoStep.confirmedOwner(api, shop);
    }

    private List<JsonNode> webhooks(StaffFixtures.Shop shop) {
        List<JsonNode> found = new ArrayList<>();
        api.get("/v1/admin/webhooks").bearer(shop.tenant().sk()).send().expect(200).body().path("data")
                .forEach(found::add);
        return found;
    }

    private static String webhookId(DashboardClient.Page page) {
        Matcher m = Pattern.compile("href=\"/dashboard/webhooks/(whk_[^\"]+)\"").matcher(page.html());
        assertThat(m.find()).as("a link to a webhook").isTrue();
        return m.group(1);
    }

    @Test
    void ownerWhenAddingAWebhookThenTheSecretIsShownOnceAndItCanBeDisabledEnabledAndDeleted() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/webhooks").expect(200);
        assertThat(page.html()).contains("Add a webhook").contains("href=\"/dashboard/webhooks\" aria-current=\"page\"");

        var created = client.submit(page, "/dashboard/webhooks", Map.of("url", URL,
                "events", " customer.created,webhook.created  staff.created", "description", "<ERP> relay")).expect(201);
        Matcher secret = SECRET.matcher(created.html());
        assertThat(secret.find()).isTrue();
        assertThat(created.html()).contains("&lt;ERP&gt; relay").doesNotContain("<ERP>");
        JsonNode stored = webhooks(shop).getFirst();
        assertThat(webhooks(shop)).hasSize(1);
        assertThat(stored.path("url").asText()).isEqualTo(URL);
        assertThat(stored.path("events").toString())
                .isEqualTo("[\"customer.created\",\"webhook.created\",\"staff.created\"]");
        assertThat(stored.path("description").asText()).isEqualTo("<ERP> relay");

        var listed = client.get("/dashboard/webhooks").expect(200);
        assertThat(listed.html()).doesNotContain(secret.group()).doesNotContain("whsec_").contains(URL)
                .contains("customer.created, webhook.created, staff.created").contains("active");
        String id = webhookId(listed);
        assertThat(id).isEqualTo(stored.path("id").asText());

        // subscribed to webhook.created, it was queued its own creation
        var detail = client.get("/dashboard/webhooks/" + id).expect(200);
        assertThat(detail.html()).contains("Latest deliveries").contains("<td>webhook.created</td>")
                .contains("/dashboard/webhooks/" + id + "/disable").doesNotContain("whsec_");

        client.submit(detail, "/dashboard/webhooks/" + id + "/disable", Map.of())
                .expectRedirect("/dashboard/webhooks/" + id + "?notice=webhook_disabled");
        JsonNode disabled = webhooks(shop).getFirst();
        assertThat(disabled.path("status").asText()).isEqualTo("disabled");
        assertThat(disabled.path("disabled_reason").asText()).isEqualTo("merchant");
        var disabledPage = client.get("/dashboard/webhooks/" + id + "?notice=webhook_disabled").expect(200);
        assertThat(disabledPage.html()).contains("The webhook was disabled").contains("merchant")
                .contains("/dashboard/webhooks/" + id + "/enable");
        assertThat(client.get("/dashboard/webhooks").expect(200).html()).contains("disabled (by merchant)");

        client.submit(disabledPage, "/dashboard/webhooks/" + id + "/enable", Map.of())
                .expectRedirect("/dashboard/webhooks/" + id + "?notice=webhook_enabled");
        assertThat(webhooks(shop).getFirst().path("status").asText()).isEqualTo("active");

        client.submit(disabledPage, "/dashboard/webhooks/" + id + "/delete", Map.of())
                .expectRedirect("/dashboard/webhooks?notice=webhook_deleted");
        assertThat(webhooks(shop)).isEmpty();
        client.get("/dashboard/webhooks/" + id).expect(404);
        client.submit(disabledPage, "/dashboard/webhooks/" + id + "/disable", Map.of()).expect(404);
    }

    private JsonNode audited(StaffFixtures.Shop shop, String type) {
        return api.get("/v1/admin/audit?type=" + type).bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data");
    }

    private static String onlySecret(DashboardClient.Page page) {
        Matcher secret = SECRET.matcher(page.html());
        assertThat(secret.find()).as("a secret shown").isTrue();
        String shown = secret.group();
        assertThat(secret.find()).as("one secret only").isFalse();
        return shown;
    }

    /**
     * Each form the admin API's rules refuse answers 422 with the field's message and shows no secret;
     * {@code withoutEvents} is the message of a form without events.
     */
    private static void assertRefused(DashboardClient client, DashboardClient.Page page, String path,
                                      String withoutEvents) {
        Map<Map<String, String>, String> refusals = Map.of(
                Map.of("url", "", "events", "*"), "url is required.",
                Map.of("url", "ftp://x", "events", "*"), "url must",
                Map.of("url", URL, "events", "customer.flew"), "'customer.flew', which is not an audit event type",
                Map.of("url", URL, "events", " , "), "events must name at least one event type",
                Map.of("url", URL), withoutEvents,
                Map.of("url", URL, "events", "* customer.created"), "stands alone",
                Map.of("url", URL, "events", "*", "description", "x".repeat(256)), "description");
        refusals.forEach((form, message) -> {
            var refused = client.submit(page, path, form).expect(422);
            assertThat(refused.html()).as(form.toString()).contains(message).doesNotContain("whsec_");
        });
    }

    @Test
    void ownerWhenChangingAWebhookThenItsUrlEventsAndDescriptionChangeAsThroughTheApi() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        client.submit(client.get("/dashboard/webhooks").expect(200), "/dashboard/webhooks",
                Map.of("url", URL, "events", "customer.created", "description", "ERP")).expect(201);
        String id = webhooks(shop).getFirst().path("id").asText();
        var detail = client.get("/dashboard/webhooks/" + id).expect(200);
        assertThat(detail.html()).contains("Change the webhook").contains("value=\"" + URL + "\"")
                .contains("value=\"customer.created\"").contains("value=\"ERP\"");

        client.submit(detail, "/dashboard/webhooks/" + id, Map.of("url", URL + "/v2",
                        "events", "customer.created, login.failed", "description", " "))
                .expectRedirect("/dashboard/webhooks/" + id + "?notice=webhook_updated");
        JsonNode changed = webhooks(shop).getFirst();
        assertThat(changed.path("url").asText()).isEqualTo(URL + "/v2");
        assertThat(changed.path("events").toString()).isEqualTo("[\"customer.created\",\"login.failed\"]");
        assertThat(changed.path("description").isNull()).isTrue();
        assertThat(client.get("/dashboard/webhooks/" + id + "?notice=webhook_updated").expect(200).html())
                .contains("The webhook was changed").contains("value=\"customer.created, login.failed\"");
        JsonNode updated = audited(shop, "webhook.updated").get(0);
        assertThat(updated.path("data").path("changed").toString())
                .isEqualTo("[\"url\",\"events\",\"description\"]");
        assertThat(updated.path("staff_id").asText()).isEqualTo(shop.ownerId());

        // the same form again changes nothing, and records nothing
        client.submit(detail, "/dashboard/webhooks/" + id, Map.of("url", URL + "/v2",
                "events", "customer.created login.failed", "description", "")).expect(303);
        assertThat(audited(shop, "webhook.updated")).hasSize(1);
    }

    @Test
    void changeWhenAFieldIsBadOrTheWebhookUnknownThenTheMessageAndNothingChanged() {
        var shop = StaffFixtures.shop(api);
        var other = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        client.submit(client.get("/dashboard/webhooks").expect(200), "/dashboard/webhooks",
                Map.of("url", URL, "events", "*")).expect(201);
        String id = webhooks(shop).getFirst().path("id").asText();
        // a change sends the events always: left empty, they are none
        assertRefused(client, client.get("/dashboard/webhooks/" + id).expect(200), "/dashboard/webhooks/" + id,
                "events must name at least one event type");
        JsonNode kept = webhooks(shop).getFirst();
        assertThat(kept.path("url").asText()).isEqualTo(URL);
        assertThat(kept.path("events").toString()).isEqualTo("[\"*\"]");
        assertThat(audited(shop, "webhook.updated")).isEmpty();

        // another shop's webhook is as unknown as one that never was
        var otherClient = confirmedOwner(other);
        var otherPage = otherClient.get("/dashboard/webhooks").expect(200);
        for (String path : List.of("/dashboard/webhooks/" + id, "/dashboard/webhooks/whk_none")) {
            otherClient.submit(otherPage, path, Map.of("url", URL + "/x", "events", "*")).expect(404);
            otherClient.submit(otherPage, path + "/secret", Map.of()).expect(404);
        }
        assertThat(webhooks(shop).getFirst().path("url").asText()).isEqualTo(URL);
        assertThat(audited(shop, "webhook.secret_rotated")).isEmpty();
    }

    @Test
    void ownerWhenRotatingTheSecretThenTheNewOneIsShownOnceAndTheOldSignsForTheTimeChosen() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        String first = onlySecret(client.submit(client.get("/dashboard/webhooks").expect(200), "/dashboard/webhooks",
                Map.of("url", URL, "events", "*")).expect(201));
        String id = webhooks(shop).getFirst().path("id").asText();
        var detail = client.get("/dashboard/webhooks/" + id).expect(200);
        assertThat(detail.html()).contains("Rotate the secret").doesNotContain("whsec_");

        var rotated = client.submit(detail, "/dashboard/webhooks/" + id + "/secret",
                Map.of("previous_secret_ttl", "3600")).expect(200);
        String second = onlySecret(rotated);
        assertThat(second).isNotEqualTo(first);
        assertThat(rotated.html()).contains("New signing secret").contains("will not be shown again")
                .contains("The previous secret signs beside it until").contains("Latest deliveries");
        assertThat(webhooks(shop).getFirst().path("previous_secret_expires_at").isNull()).isFalse();
        JsonNode recorded = audited(shop, "webhook.secret_rotated").get(0);
        assertThat(recorded.path("data").path("webhook_id").asText()).isEqualTo(id);
        assertThat(recorded.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(client.get("/dashboard/webhooks/" + id).expect(200).html()).doesNotContain("whsec_")
                .contains("Previous secret signs until");

        // stopped at once: what a leaked secret needs
        String third = onlySecret(client.submit(detail, "/dashboard/webhooks/" + id + "/secret",
                Map.of("previous_secret_ttl", "0")).expect(200));
        assertThat(third).isNotIn(first, second);
        assertThat(webhooks(shop).getFirst().path("previous_secret_expires_at").isNull()).isTrue();

        for (String bad : List.of("soon", "86401", "-1", "3600.5")) {
            var refused = client.submit(detail, "/dashboard/webhooks/" + id + "/secret",
                    Map.of("previous_secret_ttl", bad)).expect(422);
            assertThat(refused.html()).as(bad).contains("previous_secret_ttl").doesNotContain("whsec_");
        }
        assertThat(audited(shop, "webhook.secret_rotated")).hasSize(2);
    }

    @Test
    void addWhenAFieldIsBadThenTheFieldsMessageIsShownAndNothingIsCreated() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        assertRefused(client, client.get("/dashboard/webhooks").expect(200), "/dashboard/webhooks",
                "events is required");
        assertThat(webhooks(shop)).isEmpty();
    }

    @Test
    void supportWhenOpeningWebhooksThenForbiddenAndNotOffered() {
        var shop = StaffFixtures.shop(api);
        var client = StaffTwoStep.support(api, shop);
        var page = client.get("/dashboard/customers").expect(200);
        assertThat(page.html()).doesNotContain("/dashboard/webhooks");
        client.get("/dashboard/webhooks").expect(403);
        client.get("/dashboard/webhooks/whk_none").expect(403);
        client.submit(page, "/dashboard/webhooks", Map.of("url", URL, "events", "*")).expect(403);
        client.submit(page, "/dashboard/webhooks/whk_none", Map.of("url", URL, "events", "*")).expect(403);
        client.submit(page, "/dashboard/webhooks/whk_none/secret", Map.of()).expect(403);
        assertThat(webhooks(shop)).isEmpty();
        assertThat(owner(shop).get("/dashboard/customers").expect(200).html())
                .contains("href=\"/dashboard/webhooks\"");
    }

    @Test
    void webhooksWhenTheSessionIsUnconfirmedThenTheConfirmationFormAndNothingChanged() {
        var shop = StaffFixtures.shop(api);
        var confirmed = confirmedOwner(shop);
        var created = confirmed.submit(confirmed.get("/dashboard/webhooks").expect(200), "/dashboard/webhooks",
                Map.of("url", URL, "events", "*")).expect(201);
        String id = webhooks(shop).getFirst().path("id").asText();
        assertThat(created.html()).contains("/dashboard/webhooks/" + id);

        var client = owner(shop);
        var form = client.get("/dashboard/webhooks").expect(200);
        assertThat(form.html()).contains("<h1>Confirm your password</h1>")
                .contains("name=\"next\" value=\"webhooks\"").doesNotContain(URL);
        assertThat(client.get("/dashboard/webhooks/" + id).expect(200).html())
                .contains("<h1>Confirm your password</h1>").doesNotContain(URL);
        for (String path : List.of("/dashboard/webhooks", "/dashboard/webhooks/" + id + "/disable",
                "/dashboard/webhooks/" + id + "/delete", "/dashboard/webhooks/" + id,
                "/dashboard/webhooks/" + id + "/secret")) {
            assertThat(client.submit(form, path, Map.of("url", URL + "/other", "events", "*")).expect(403).html())
                    .as(path).contains("Nothing was changed").contains("Confirm your password")
                    .doesNotContain("whsec_");
        }
        assertThat(webhooks(shop)).singleElement().satisfies(w -> {
            assertThat(w.path("status").asText()).isEqualTo("active");
            assertThat(w.path("url").asText()).isEqualTo(URL);
        });
        assertThat(audited(shop, "webhook.secret_rotated")).isEmpty();

        client.confirm("webhooks", shop.ownerPassword()).expectRedirect("/dashboard/webhooks");
        assertThat(client.get("/dashboard/webhooks").expect(200).html()).contains(URL);
    }

    @Test
    void formsWhenTheCsrfTokenIsMissingOrWrongThenForbiddenAndNothingChanged() {
        var shop = StaffFixtures.shop(api);
        var client = confirmedOwner(shop);
        var page = client.get("/dashboard/webhooks").expect(200);
        client.submit(page, "/dashboard/webhooks", Map.of("url", URL, "events", "*")).expect(201);
        String id = webhooks(shop).getFirst().path("id").asText();

        for (String path : List.of("/dashboard/webhooks", "/dashboard/webhooks/" + id + "/disable",
                "/dashboard/webhooks/" + id + "/delete", "/dashboard/webhooks/" + id,
                "/dashboard/webhooks/" + id + "/secret")) {
            client.post(path, Map.of("url", URL + "/other", "events", "*")).expect(403);
            var wrong = client.post(path, Map.of("url", URL + "/other", "events", "*", "_csrf", "0".repeat(64)));
            assertThat(wrong.expect(403).html()).as(path).contains("did not come from the dashboard")
                    .doesNotContain("whsec_");
        }
        assertThat(webhooks(shop)).singleElement().satisfies(w -> {
            assertThat(w.path("status").asText()).isEqualTo("active");
            assertThat(w.path("url").asText()).isEqualTo(URL);
        });
        assertThat(audited(shop, "webhook.secret_rotated")).isEmpty();
    }
}
