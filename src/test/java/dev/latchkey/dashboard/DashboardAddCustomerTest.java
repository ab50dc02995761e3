package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Outboxes;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** "Add customer" and "Edit profile": the admin API's create and PATCH from the dashboard, by the same rules. */
class DashboardAddCustomerTest extends ApiTest {
    private static final String STOREFRONT = "https://shop.example.com";
    private static final Pattern CREATED = Pattern.compile("/dashboard/customers/(cus_[^?]+)\\?notice=customer_added");

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    private static Map<String, String> form(String email) {
        Map<String, String> form = new HashMap<>(Map.of("email", email, "first_name", "Grace", "last_name", "Hopper",
                "phone", "+49 30 1234567", "preferred_language", "de-AT", "accepts_marketing", "yes",
                "tags", "VIP, <b>Berlin</b>", "note", "Met at the fair\nsecond line"));
        return form;
    }

    private static Map<String, String> with(Map<String, String> form, String field, String value) {
        Map<String, String> changed = new HashMap<>(form);
        changed.put(field, value);
        return changed;
    }

    private JsonNode customers(StaffFixtures.Shop shop) {
        return api.get("/v1/admin/customers").bearer(shop.tenant().sk()).send().expect(200).body().path("data");
    }

    private JsonNode customer(StaffFixtures.Shop shop, String id) {
        return api.get("/v1/admin/customers/" + id).bearer(shop.tenant().sk()).send().expect(200).body();
    }

    private static String createdId(DashboardClient.Page answer) {
        assertThat(answer.status()).as(answer.html()).isEqualTo(303);
        Matcher m = CREATED.matcher(answer.header("Location"));
        assertThat(m.matches()).as(answer.header("Location")).isTrue();
        return m.group(1);
    }

    @Test
    void addWhenEveryFieldThenCreatedAsThroughTheAdminApiAndRecordedAsTheStaffMembers() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        assertThat(client.get("/dashboard/customers").expect(200).html())
                .contains("href=\"/dashboard/customers/new\"");
        var page = client.get("/dashboard/customers/new").expect(200);
        assertThat(page.html()).contains("Add customer").doesNotContain("name=\"invite\"")
                .contains("add the storefront to the allowed origins");
        String email = Fixtures.uniqueEmail();

        String id = createdId(client.submit(page, "/dashboard/customers/new", form(email.toUpperCase())));

        JsonNode created = customer(shop, id);
        assertThat(created.path("email").asText()).isEqualTo(email);
        assertThat(created.path("first_name").asText()).isEqualTo("Grace");
        assertThat(created.path("last_name").asText()).isEqualTo("Hopper");
        assertThat(created.path("phone").asText()).isEqualTo("+49 30 1234567");
        assertThat(created.path("preferred_language").asText()).isEqualTo("de-AT");
        assertThat(created.path("accepts_marketing").asBoolean()).isTrue();
        assertThat(created.path("status").asText()).isEqualTo("active");
        assertThat(created.path("email_verified").asBoolean()).isFalse();
        assertThat(created.path("tags").toString()).isEqualTo("[\"<b>Berlin</b>\",\"VIP\"]");
        assertThat(created.path("note").asText()).isEqualTo("Met at the fair\nsecond line");
        JsonNode event = StaffFixtures.events(api, shop, "customer.created").get(0);
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(event.path("data").path("without_password").asBoolean()).isTrue();
        // no storefront to link to: nothing was mailed
        assertThat(Outboxes.count(server, email)).isZero();
        assertThat(client.get("/dashboard/customers/" + id + "?notice=customer_added").expect(200).html())
                .contains("The customer was added.").contains("&lt;b>Berlin&lt;/b>")
                .doesNotContain("<b>Berlin");
    }

    @Test
    void addWhenTheShopHasAStorefrontThenTheInvitationIsOfferedAndSentOnlyWhenTicked() {
        var shop = StaffFixtures.shop(api, Map.of("allowed_origins", List.of(STOREFRONT)));
        var client = owner(shop);
        var page = client.get("/dashboard/customers/new").expect(200);
        assertThat(page.html()).contains("name=\"invite\"").contains("Send an account invitation email");
        String invited = Fixtures.uniqueEmail();
        String uninvited = Fixtures.uniqueEmail();

        createdId(client.submit(page, "/dashboard/customers/new", with(form(invited), "invite", "yes")));
        createdId(client.submit(page, "/dashboard/customers/new", form(uninvited)));

        assertThat(Outboxes.count(server, invited)).isOne();
        assertThat(Outboxes.count(server, uninvited)).isZero();
        JsonNode events = StaffFixtures.events(api, shop, "customer.created");
        assertThat(events.get(1).path("data").path("invited").asBoolean()).isTrue();
        assertThat(events.get(0).path("data").path("without_password").asBoolean()).isTrue();
    }

    @Test
    void addWhenAFieldIsRefusedThenTheFormIsShownAgainWithTheValuesAndNothingIsCreated() {
        var shop = StaffFixtures.shop(api);
        var client = owner(shop);
        var page = client.get("/dashboard/customers/new").expect(200);
        String email = Fixtures.uniqueEmail();
        String tooManyTags = IntStream.rangeClosed(1, 251).mapToObj(i -> "t" + i).collect(Collectors.joining(","));
        Map<String, Map<String, String>> refusals = Map.of(
                "email", with(form(email), "email", " "),
                "email ", with(form(email), "email", "not-an-address"),
                "email  ", with(form(email), "email", "a".repeat(250) + "@example.com"),
                "phone", with(form(email), "phone", "call me"),
                "preferred-language", with(form(email), "preferred_language", "english!"),
                "tags", with(form(email), "tags", tooManyTags));

        refusals.forEach((field, refused) -> {
            var answer = client.submit(page, "/dashboard/customers/new", refused).expect(422);
            assertThat(answer.html()).as(field).contains("id=\"customer-" + field.trim() + "-error\"")
                    .contains("aria-invalid=\"true\"")
                    .contains("value=\"Grace\"").contains("value=\"Hopper\"").contains("Met at the fair\nsecond line")
                    .contains("value=\"" + refused.get("phone") + "\"")
                    .contains("value=\"" + refused.get("preferred_language") + "\"");
        });
        assertThat(customers(shop)).isEmpty();
        assertThat(StaffFixtures.events(api, shop, "customer.created")).isEmpty();
    }

    @Test
    void addWhenTheEmailHasAnAccountThenRefusedAtTheEmailField() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        var page = client.get("/dashboard/customers/new").expect(200);

        var answer = client.submit(page, "/dashboard/customers/new", form(shopper.email().toUpperCase())).expect(409);

        assertThat(answer.html()).contains("id=\"customer-email-error\"")
                .contains("An account with this email already exists.")
                .contains("value=\"" + shopper.email().toUpperCase() + "\"").contains("value=\"Grace\"");
        assertThat(customers(shop)).hasSize(1);
    }

    @Test
    void addAndEditWhenSupportThenNoButtonsAndRefused() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), StaffFixtures.addStaff(api, shop, "support"),
                Fixtures.PASSWORD);
        String path = "/dashboard/customers/" + shopper.customerId();

        var list = client.get("/dashboard/customers").expect(200);
        assertThat(list.html()).doesNotContain("/dashboard/customers/new");
        var detail = client.get(path).expect(200);
        assertThat(detail.html()).doesNotContain("Edit profile").doesNotContain(path + "/edit");
        client.get("/dashboard/customers/new").expect(403);
        client.get(path + "/edit").expect(403);
        client.submit(list, "/dashboard/customers/new", form(Fixtures.uniqueEmail())).expect(403);
        client.submit(detail, path + "/edit", with(form(shopper.email()), "version", "1")).expect(403);

        assertThat(customers(shop)).hasSize(1);
        assertThat(customer(shop, shopper.customerId()).path("version").asLong()).isEqualTo(1);
    }

    @Test
    void addAndEditWhenNoCsrfTokenThenRefusedAndNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);

        client.post("/dashboard/customers/new", form(Fixtures.uniqueEmail())).expect(403);
        client.post("/dashboard/customers/" + shopper.customerId() + "/edit",
                with(form(shopper.email()), "version", "1")).expect(403);

        assertThat(customers(shop)).hasSize(1);
        assertThat(customer(shop, shopper.customerId()).path("first_name").isNull()).isTrue();
    }

    @Test
    void editWhenSavedThenTheProfileChangesAsThroughThePatchAndIsRecorded() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        assertThat(client.get(path).expect(200).html()).contains("href=\"" + path + "/edit\"");
        var page = client.get(path + "/edit").expect(200);
        assertThat(page.html()).contains("Edit profile").contains("value=\"" + shopper.email() + "\"")
                .contains("name=\"version\" value=\"1\"").doesNotContain("name=\"tags\"");
        String moved = Fixtures.uniqueEmail();

        client.submit(page, path + "/edit", Map.of("email", moved, "first_name", " Ada ", "last_name", "",
                        "phone", "030 123", "preferred_language", "en", "accepts_marketing", "yes", "version", "1"))
                .expectRedirect(path + "?notice=profile_saved");

        JsonNode changed = customer(shop, shopper.customerId());
        assertThat(changed.path("email").asText()).isEqualTo(moved);
        assertThat(changed.path("first_name").asText()).isEqualTo("Ada");
        assertThat(changed.path("last_name").isNull()).isTrue();
        assertThat(changed.path("phone").asText()).isEqualTo("030 123");
        assertThat(changed.path("preferred_language").asText()).isEqualTo("en");
        assertThat(changed.path("accepts_marketing").asBoolean()).isTrue();
        assertThat(changed.path("version").asLong()).isEqualTo(2);
        JsonNode event = StaffFixtures.events(api, shop, "customer.updated").get(0);
        assertThat(event.path("staff_id").asText()).isEqualTo(shop.ownerId());
        assertThat(client.get(path + "?notice=profile_saved").html()).contains("The profile was saved.");
    }

    @Test
    void editWhenRefusedThenTheFormIsShownAgainAndNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var other = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path + "/edit").expect(200);
        Map<String, String> edit = Map.of("email", shopper.email(), "first_name", "Ada", "last_name", "Lovelace",
                "phone", "030 123", "preferred_language", "en", "version", "1");

        var badPhone = client.submit(page, path + "/edit", with(edit, "phone", "call me")).expect(422);
        assertThat(badPhone.html()).contains("id=\"customer-phone-error\"").contains("value=\"call me\"")
                .contains("value=\"Lovelace\"").contains("name=\"version\" value=\"1\"");
        var taken = client.submit(page, path + "/edit", with(edit, "email", other.email())).expect(409);
        assertThat(taken.html()).contains("id=\"customer-email-error\"")
                .contains("An account with this email already exists.");
        client.submit(page, path + "/edit", with(edit, "version", "")).expect(422);

        JsonNode unchanged = customer(shop, shopper.customerId());
        assertThat(unchanged.path("version").asLong()).isEqualTo(1);
        assertThat(unchanged.path("email").asText()).isEqualTo(shopper.email());
    }

    @Test
    void editWhenTheCustomerChangedMeanwhileThenANoticeAndNothingIsSaved() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        String path = "/dashboard/customers/" + shopper.customerId();
        var page = client.get(path + "/edit").expect(200);
        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(shop.tenant().sk())
                .body(Map.of("first_name", "Meanwhile")).send().expect(200);

        client.submit(page, path + "/edit", with(form(shopper.email()), "version", "1"))
                .expectRedirect(path + "?notice=version_conflict");

        JsonNode kept = customer(shop, shopper.customerId());
        assertThat(kept.path("first_name").asText()).isEqualTo("Meanwhile");
        assertThat(kept.path("version").asLong()).isEqualTo(2);
        assertThat(client.get(path + "?notice=version_conflict").expect(200).html())
                .contains("Nothing was saved: the customer was changed meanwhile.");
    }

    @Test
    void editWhenAnotherShopsCustomerThenNotFoundAndNothingChanges() {
        var shop = StaffFixtures.shop(api);
        var otherShop = StaffFixtures.shop(api);
        var theirs = Fixtures.shopper(api, otherShop.tenant());
        var client = owner(shop);
        var page = client.get("/dashboard/customers/new").expect(200);
        String path = "/dashboard/customers/" + theirs.customerId() + "/edit";

        client.get(path).expect(404);
        client.submit(page, path, with(form(theirs.email()), "version", "1")).expect(404);

        JsonNode untouched = customer(otherShop, theirs.customerId());
        assertThat(untouched.path("version").asLong()).isEqualTo(1);
        assertThat(untouched.path("first_name").isNull()).isTrue();
    }
}
