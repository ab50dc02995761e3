package dev.latchkey.admin;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Problems;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ?accepts_marketing=} and {@code ?email_verified=} on the merchant's customer list: alone, together, with every
 * other filter and with the cursor, each page holding exactly the customers they keep and never another shop's.
 */
class CustomerFlagFiltersTest extends ApiTest {
    private static final int CUSTOMERS = 12;

    /**
     * Twelve customers a second apart, oldest first: every other one accepts marketing, the first two of every four
     * are verified, the sixth and seventh are on hold, every third is tagged VIP and the first half are named Ada.
     */
    private static boolean accepts(int i) {
        return i % 2 == 0;
    }

    private static boolean verified(int i) {
        return i % 4 < 2;
    }

    private static boolean onHold(int i) {
        return i == 5 || i == 6;
    }

    private static boolean vip(int i) {
        return i % 3 == 0;
    }

    private static boolean ada(int i) {
        return i < CUSTOMERS / 2;
    }

    private List<String> shop(AdminCalls admin) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            Map<String, Object> fields = new HashMap<>(Map.of("accepts_marketing", accepts(i),
                    "email_verified", verified(i), "first_name", ada(i) ? "Ada" : "Bea",
                    "status", onHold(i) ? "on_hold" : "active"));
            if (vip(i)) {
                fields.put("tags", List.of("VIP"));
            }
            ids.add(admin.customer(fields).path("id").asText());
            server.clock.advance(Duration.ofSeconds(1));
        }
        return ids;
    }

    /** The customers of {@code ids} that {@code kept} keeps, newest first as the list shows them. */
    private static List<String> newestFirst(List<String> ids, IntPredicate kept) {
        return oldestFirst(ids, kept).reversed();
    }

    private static List<String> oldestFirst(List<String> ids, IntPredicate kept) {
        return IntStream.range(0, ids.size()).filter(kept).mapToObj(ids::get).toList();
    }

    @Test
    void listWhenFlagsGivenThenExactlyTheirCustomersAloneAndCombinedAcrossPages() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        // another shop's customers, of every kind, are never listed
        var elsewhere = new AdminCalls(api, Fixtures.tenant(api));
        for (boolean flag : List.of(true, false)) {
            elsewhere.customer(Map.of("accepts_marketing", flag, "email_verified", flag, "first_name", "Ada",
                    "tags", List.of("vip")));
        }
        Instant start = server.clock.instant();
        List<String> ids = shop(admin);

        assertThat(admin.walk("accepts_marketing=true", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> accepts(i)));
        assertThat(admin.walk("accepts_marketing=false", 4))
                .containsExactlyElementsOf(newestFirst(ids, i -> !accepts(i)));
        assertThat(admin.walk("email_verified=true", 2)).containsExactlyElementsOf(newestFirst(ids, i -> verified(i)));
        assertThat(admin.walk("email_verified=false", 5))
                .containsExactlyElementsOf(newestFirst(ids, i -> !verified(i)));
        assertThat(admin.walk("accepts_marketing=true&email_verified=false", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> accepts(i) && !verified(i)));
        assertThat(admin.walk("accepts_marketing=false&status=on_hold", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> !accepts(i) && onHold(i)));
        assertThat(admin.walk("email_verified=true&status=active&accepts_marketing=true", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> verified(i) && !onHold(i) && accepts(i)));
        assertThat(admin.walk("tag=vip&email_verified=true", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> vip(i) && verified(i)));
        assertThat(admin.walk("query=ada&accepts_marketing=false", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> ada(i) && !accepts(i)));
        assertThat(admin.walk("query=ada&tag=vip&accepts_marketing=true&email_verified=true", 1))
                .containsExactlyElementsOf(newestFirst(ids, i -> ada(i) && vip(i) && accepts(i) && verified(i)));
        // the changes since a time, oldest first
        assertThat(admin.walk("updated_since=" + start + "&accepts_marketing=true", 2))
                .containsExactlyElementsOf(oldestFirst(ids, i -> accepts(i)));
        assertThat(admin.walk("updated_since=" + start + "&email_verified=false&tag=vip&status=active", 1))
                .containsExactlyElementsOf(oldestFirst(ids, i -> !verified(i) && vip(i) && !onHold(i)));
        // given empty, either reads as "any"
        assertThat(admin.walk("accepts_marketing=&email_verified=", 5)).containsExactlyElementsOf(newestFirst(ids,
                i -> true));
    }

    @Test
    void listWhenAFlagChangesThenTheCustomerMovesToTheOtherSide() {
        var admin = new AdminCalls(api, Fixtures.tenant(api));
        String ada = admin.customer(Map.of("accepts_marketing", true)).path("id").asText();
        String bea = admin.customer(Map.of("accepts_marketing", false)).path("id").asText();

        admin.patch(ada, Map.of("accepts_marketing", false)).expect(200);
        admin.patch(bea, Map.of("email_verified", true)).expect(200);

        assertThat(admin.walk("accepts_marketing=true", 5)).isEmpty();
        assertThat(admin.walk("accepts_marketing=false", 5)).containsExactlyInAnyOrder(ada, bea);
        assertThat(admin.walk("email_verified=true", 5)).containsExactly(bea);
    }

    @Test
    void listAndExportWhenAFlagIsNotTrueOrFalseOrGivenTwiceThen422NamingIt() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        admin.customer(Map.of("accepts_marketing", true));
        for (String name : List.of("accepts_marketing", "email_verified")) {
            for (String bad : List.of("maybe", "TRUE", "False", "1", "0", "yes", "on", "t", "true%00",
                    "true&" + name + "=false", "true&" + name + "=true")) {
                Problems.assertInvalid(admin.list(name + "=" + bad), name, "invalid");
                Problems.assertInvalid(admin.list("status=active&" + name + "=" + bad + "&limit=5"), name, "invalid");
                Problems.assertInvalid(api.get("/v1/admin/customers/export?" + name + "=" + bad).bearer(tenant.sk())
                        .send(), name, "invalid");
            }
        }
        // nothing was exported, so nothing is recorded
        assertThat(api.get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }

    @Test
    void listAndExportWhenMarketingStateGivenThenExactlyItsCustomersCombinedWithTheOtherFilters() {
        var tenant = Fixtures.tenant(api, Map.of("marketing_double_opt_in", true,
                "allowed_origins", List.of("https://shop.example.com")));
        var admin = new AdminCalls(api, tenant);
        new AdminCalls(api, Fixtures.tenant(api)).customer(Map.of("accepts_marketing", true));
        Instant start = server.clock.instant();
        String subscribed = admin.customer(Map.of("accepts_marketing", true, "email_verified", true)).path("id")
                .asText();
        String never = admin.customer(Map.of("accepts_marketing", false)).path("id").asText();
        String withdrew = admin.customer(Map.of("accepts_marketing", true, "tags", List.of("vip"))).path("id")
                .asText();
        admin.patch(withdrew, Map.of("accepts_marketing", false)).expect(200);
        // ticked under the double opt-in, the link not opened yet
        var shopper = Fixtures.shopper(api, tenant);
        api.patch("/v1/me").as(shopper).body(Map.of("accepts_marketing", true)).send().expect(200);
        String pending = shopper.customerId();

        assertThat(admin.walk("marketing_state=subscribed", 1)).containsExactly(subscribed);
        assertThat(admin.walk("marketing_state=not_subscribed", 1)).containsExactly(never);
        assertThat(admin.walk("marketing_state=unsubscribed", 1)).containsExactly(withdrew);
        assertThat(admin.walk("marketing_state=pending", 1)).containsExactly(pending);
        assertThat(admin.walk("marketing_state=", 1)).containsExactlyInAnyOrder(subscribed, never, withdrew, pending);
        // combined with the other filters
        assertThat(admin.walk("marketing_state=unsubscribed&tag=vip&accepts_marketing=false", 1))
                .containsExactly(withdrew);
        assertThat(admin.walk("marketing_state=unsubscribed&status=on_hold", 1)).isEmpty();
        assertThat(admin.walk("marketing_state=subscribed&email_verified=false", 1)).isEmpty();
        assertThat(admin.walk("marketing_state=pending&query=" + shopper.email(), 1)).containsExactly(pending);
        assertThat(admin.walk("updated_since=" + start + "&marketing_state=pending", 1)).containsExactly(pending);

        String export = api.get("/v1/admin/customers/export?format=ndjson&marketing_state=pending&status=active")
                .bearer(tenant.sk()).send().expect(200).raw();
        assertThat(export.lines().toList()).hasSize(1).first().asString().contains("\"id\":\"" + pending + "\"");
        assertThat(api.get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send().expect(200).body()
                .path("data").get(0).path("data").path("filters").path("marketing_state").asText())
                .isEqualTo("pending");
    }

    @Test
    void listAndExportWhenMarketingStateIsNoneOfTheFourOrGivenTwiceThen422NamingIt() {
        var tenant = Fixtures.tenant(api);
        var admin = new AdminCalls(api, tenant);
        admin.customer(Map.of("accepts_marketing", true));
        for (String bad : List.of("Pending", "SUBSCRIBED", "yes", "true", "not%20subscribed", "pending%00",
                "pending&marketing_state=pending", "pending&marketing_state=subscribed")) {
            Problems.assertInvalid(admin.list("marketing_state=" + bad), "marketing_state", "invalid");
            Problems.assertInvalid(admin.list("tag=vip&marketing_state=" + bad + "&limit=5"), "marketing_state",
                    "invalid");
            Problems.assertInvalid(api.get("/v1/admin/customers/export?marketing_state=" + bad).bearer(tenant.sk())
                    .send(), "marketing_state", "invalid");
        }
        assertThat(api.get("/v1/admin/audit?type=customers.exported").bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }
}
