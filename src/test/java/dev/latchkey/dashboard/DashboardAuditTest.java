package dev.latchkey.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardAuditTest extends ApiTest {
    private static final Pattern ROW = Pattern.compile("<th scope=\"row\"><time datetime=\"([^\"]+)\">");
    private static final Pattern CUSTOMER_LINK = Pattern.compile("href=\"/dashboard/customers/(cus_[A-Za-z0-9]+)\"");
    private static final Pattern NEXT = Pattern.compile("href=\"(/dashboard/audit\\?[^\"]+)\" rel=\"next\"");
    /** A name a token, secret, password or key would be kept under: the data holds none of them. */
    private static final Pattern SECRET_NAME = Pattern.compile("(^|_)(token|secret|password|key|hash|code)$");
    private static final String SCRIPTED_AGENT = "<script>alert('ua')</script> Browser/1.0";

    private DashboardClient loggedIn(StaffFixtures.Shop shop, String email) {
        return StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD);
    }

    private DashboardClient owner(StaffFixtures.Shop shop) {
        return StaffTwoStep.owner(api, shop);
    }

    private static String activity(String query) {
        return "/dashboard/audit?" + query;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<String> all(Pattern pattern, String html) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(html);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The event types of the rows shown, top to bottom. */
    private static List<String> types(String html) {
        return all(Pattern.compile("</time></th>\\s*<td>([^<]+)</td>"), html);
    }

    private String adminCreated(StaffFixtures.Shop shop) {
        return api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", Fixtures.uniqueEmail()))
                .send().expect(201).str("id");
    }

    @Test
    void ownerWhenCustomersRegisterFailLoginsAndAreChangedThenTheActivityShowsWhoDidWhatFilteredByTypeCustomerAndDay() {
        var shop = StaffFixtures.shop(api);
        String email = Fixtures.uniqueEmail();
        String id = api.post("/v1/customers").key(shop.tenant().pk()).header("User-Agent", SCRIPTED_AGENT)
                .body(Map.of("email", email, "password", Fixtures.PASSWORD)).send().expect(201)
                .body().path("customer").path("id").asText();
        api.post("/v1/auth/login").key(shop.tenant().pk())
                .body(Map.of("email", email, "password", "not the password at all")).send().expect(401);
        api.patch("/v1/admin/customers/" + id).bearer(shop.tenant().sk()).body(Map.of("first_name", "Ada"))
                .send().expect(200);
        var other = Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        var customerPage = client.get("/dashboard/customers/" + id).expect(200);
        client.submit(customerPage, "/dashboard/customers/" + id + "/status", Map.of("status", "on_hold"))
                .expect(303);

        var page = client.get("/dashboard/audit").expect(200);
        assertThat(page.html()).contains("href=\"/dashboard/audit\" aria-current=\"page\">Activity</a>");
        assertThat(types(page.html())).containsSubsequence("customer.status_changed", "customer.updated",
                "login.failed", "customer.registered");
        // newest first, each time in ISO 8601 UTC
        List<String> times = all(ROW, page.html());
        assertThat(times).allMatch(t -> t.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
        String staffId = shop.ownerId();
        String keyId = StaffFixtures.events(api, shop, "customer.updated").get(0).path("api_key_id").asText();
        assertThat(page.html()).contains("staff member " + staffId).contains("admin (secret key " + keyId + ")")
                .contains("from=active").contains("to=on_hold").contains("changed=first_name")
                .contains("href=\"/dashboard/customers/" + id + "\"").contains("127.0.0.1");
        // the user agent the customer's browser sent is shown as text
        assertThat(page.html()).contains("<td>&lt;script&gt;alert('ua')&lt;/script&gt; Browser/1.0</td>")
                .doesNotContain("<script>");

        var failed = client.get(activity("type=login.failed")).expect(200);
        assertThat(types(failed.html())).containsOnly("login.failed").hasSize(1);
        assertThat(failed.html()).contains("<option value=\"login.failed\" selected>");

        for (String customer : List.of(id, email, email.toUpperCase())) {
            var about = client.get(activity("customer=" + enc(customer))).expect(200);
            assertThat(all(CUSTOMER_LINK, about.html())).containsOnly(id);
            assertThat(types(about.html())).containsSubsequence("customer.status_changed", "customer.updated",
                    "login.failed", "customer.registered");
        }
        assertThat(all(CUSTOMER_LINK, client.get(activity("customer=" + other.customerId())).expect(200).html()))
                .containsOnly(other.customerId());

        // the server's day: tests before this one may have moved the shared server's clock on
        LocalDate today = LocalDate.ofInstant(server.clock.instant(), ZoneOffset.UTC);
        assertThat(types(client.get(activity("since=" + today + "&type=customer.registered")).expect(200).html()))
                .hasSize(2);
        var tomorrow = client.get(activity("since=" + today.plusDays(1))).expect(200);
        assertThat(types(tomorrow.html())).isEmpty();
        assertThat(tomorrow.html()).contains("No events match.");
    }

    @Test
    void ownerWhenTheShopHasMoreThanFiftyEventsThenTheyArePagedFiftyAtATimeWithTheFiltersKept() {
        var shop = StaffFixtures.shop(api);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 53; i++) {
            created.add(adminCreated(shop));
        }
        var client = owner(shop);
        var first = client.get(activity("type=customer.created")).expect(200);
        List<String> firstIds = all(CUSTOMER_LINK, first.html());
        // newest first, but events recorded within one tick of the clock come in the log's own order, not as created:
        // the pages must split the 53 events between them, each once
        assertThat(firstIds).hasSize(50).doesNotHaveDuplicates().isSubsetOf(created);
        Matcher next = NEXT.matcher(first.html());
        assertThat(next.find()).isTrue();
        String nextUrl = next.group(1).replace("&amp;", "&");
        assertThat(nextUrl).contains("type=customer.created").contains("cursor=");

        var second = client.get(nextUrl).expect(200);
        List<String> secondIds = all(CUSTOMER_LINK, second.html());
        assertThat(secondIds).hasSize(3).doesNotContainAnyElementsOf(firstIds);
        List<String> both = new ArrayList<>(firstIds);
        both.addAll(secondIds);
        assertThat(both).containsExactlyInAnyOrderElementsOf(created);
        assertThat(NEXT.matcher(second.html()).find()).isFalse();
        assertThat(types(second.html())).containsOnly("customer.created");
    }

    @Test
    void ownerWhenAnotherShopHasEventsThenNoneOfThemAppearWhateverTheFilter() {
        var shop = StaffFixtures.shop(api);
        var theirs = StaffFixtures.shop(api);
        var ours = Fixtures.shopper(api, shop.tenant());
        var stranger = Fixtures.shopper(api, theirs.tenant());
        api.patch("/v1/admin/customers/" + stranger.customerId()).bearer(theirs.tenant().sk())
                .body(Map.of("first_name", "Eve")).send().expect(200);
        var client = owner(shop);

        var page = client.get("/dashboard/audit").expect(200);
        assertThat(all(CUSTOMER_LINK, page.html())).containsOnly(ours.customerId());
        assertThat(page.html()).doesNotContain(stranger.customerId()).doesNotContain(theirs.ownerId());
        assertThat(types(page.html())).doesNotContain("customer.updated");
        for (String customer : List.of(stranger.customerId(), stranger.email())) {
            var filtered = client.get(activity("customer=" + enc(customer))).expect(200);
            assertThat(types(filtered.html())).isEmpty();
            assertThat(filtered.html()).contains("No events match.");
        }
        // and their owner sees theirs only
        assertThat(all(CUSTOMER_LINK, owner(theirs).get("/dashboard/audit").expect(200).html()))
                .containsOnly(stranger.customerId());
    }

    @Test
    void supportWhenOpeningTheActivityThenItIsShownAndTheNavigationLeadsThere() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var client = loggedIn(shop, StaffFixtures.addStaff(api, shop, "support"));
        assertThat(client.get("/dashboard/customers").expect(200).html())
                .contains("<a href=\"/dashboard/audit\">Activity</a>");
        assertThat(all(CUSTOMER_LINK, client.get("/dashboard/audit").expect(200).html()))
                .contains(shopper.customerId());
    }

    @Test
    void visitorWithoutASessionWhenOpeningTheActivityThenTheyAreSentToTheLogin() {
        new DashboardClient(api.baseUrl()).get("/dashboard/audit").expectRedirect("/dashboard/login");
    }

    @Test
    void ownerWhenAFilterCannotBeReadThenItsMessageStandsAtTheFieldAndNoEventIsShown() {
        var shop = StaffFixtures.shop(api);
        Fixtures.shopper(api, shop.tenant());
        var client = owner(shop);
        Map<String, String> refusals = Map.of(
                "type=customer.flew", "id=\"type-error\">Choose an event type from the list.",
                "type=" + enc("<b>"), "id=\"type-error\">",
                "customer=not+an+id", "id=\"customer-error\">Enter a customer",
                "customer=" + enc("cus_<script>"), "id=\"customer-error\">",
                "customer=" + enc("x@" + "a".repeat(300) + ".example"), "id=\"customer-error\">",
                "customer=" + "cus_" + "a".repeat(61), "id=\"customer-error\">",
                "since=2026-13-45", "id=\"since-error\">Enter a date as YYYY-MM-DD.",
                "since=yesterday", "id=\"since-error\">",
                "type=customer.registered&type=customer.updated", "id=\"type-error\">Give this filter once.",
                "since=2026-01-01&customer=nobody%40example.com&since=2026-02-01",
                "id=\"since-error\">Give this filter once.");
        refusals.forEach((query, message) -> {
            var page = client.get(activity(query)).expect(422);
            assertThat(page.html()).as(query).contains(message).contains("Correct the filters marked above.")
                    .doesNotContain("<th scope=\"row\">").doesNotContain("<script>").doesNotContain("<b>");
        });
        var all = client.get(activity("type=customer.flew&customer=nobody&since=soon")).expect(422);
        assertThat(all.html()).contains("id=\"type-error\"").contains("id=\"customer-error\"")
                .contains("id=\"since-error\"").contains("value=\"nobody\"").contains("value=\"soon\"");

        // unknown customers simply have no events
        for (String customer : List.of("cus_Unknown0123456789", "nobody@example.com")) {
            var none = client.get(activity("customer=" + enc(customer))).expect(200);
            assertThat(none.html()).contains("No events match.").doesNotContain("<th scope=\"row\">");
        }
        client.get(activity("cursor=not-a-cursor")).expect(422);
        // as on every page, a NUL in the query is refused before the page reads it
        assertThat(client.get(activity("customer=cus_a%00b")).expect(422).html()).contains("may not contain a NUL");
    }

    @Test
    void ownerWhenKeysTokensAndSecretsWereIssuedThenNoEventHoldsOneAndTheActivityShowsNone() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        var loggedIn = Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password());
        api.post("/v1/admin/customers/" + shopper.customerId() + "/password-reset").bearer(shop.tenant().sk())
                .send().expect(202);
        String key = api.post("/v1/admin/api-keys").bearer(shop.tenant().sk())
                .body(Map.of("kind", "secret", "name", "back office")).send().expect(201).str("key");
        var webhook = api.post("/v1/admin/webhooks").bearer(shop.tenant().sk())
                .body(Map.of("url", "http://127.0.0.1:9/hooks", "events", List.of("*"))).send().expect(201);
        String rotated = api.post("/v1/admin/webhooks/" + webhook.str("id") + "/secret")
                .bearer(shop.tenant().sk()).body(Map.of()).send().expect(200).str("secret");
        List<String> secrets = List.of(shop.tenant().sk(), key, webhook.str("secret"), rotated,
                shopper.accessToken(), shopper.refreshToken(), loggedIn.accessToken(), loggedIn.refreshToken(),
                Fixtures.PASSWORD);

        JsonNode events = api.get("/v1/admin/audit?limit=100").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data");
        List<String> types = new ArrayList<>();
        events.forEach(event -> {
            types.add(event.path("type").asText());
            event.path("data").fieldNames().forEachRemaining(name ->
                    assertThat(name).as("a data key of %s", event).doesNotContainPattern(SECRET_NAME));
            secrets.forEach(secret -> assertThat(event.toString()).doesNotContain(secret));
        });
        assertThat(types).contains("customer.registered", "login.succeeded", "password.reset_sent",
                "api_key.created", "webhook.created", "webhook.secret_rotated");

        String html = owner(shop).get("/dashboard/audit").expect(200).html();
        assertThat(types(html)).contains("api_key.created", "webhook.secret_rotated", "login.succeeded");
        secrets.forEach(secret -> assertThat(html).doesNotContain(secret));
        assertThat(html).doesNotContain("whsec_").doesNotContain("sk_");
    }
}
