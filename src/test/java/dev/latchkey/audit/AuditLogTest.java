package dev.latchkey.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest extends ApiTest {
    private JsonNode list(Fixtures.Tenant tenant, String query) {
        return api.get("/v1/admin/audit" + query).bearer(tenant.sk()).send().expect(200).body();
    }

    private Api.Res login(Fixtures.Shopper shopper, String password, String userAgent) {
        return api.post("/v1/auth/login").key(shopper.tenant().pk()).header("User-Agent", userAgent)
                .body(Map.of("email", shopper.email(), "password", password)).send();
    }

    @Test
    void loginSuccessAndFailureRecordedWithIpUserAgentAndTime() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        Instant before = server.clock.instant().minusSeconds(1);
        login(shopper, "wrong password here", "AuditTest/1.0").expect(401);
        var ok = login(shopper, shopper.password(), "AuditTest/2.0").expect(200);

        JsonNode failed = list(tenant, "?type=login.failed&customer_id=" + shopper.customerId()).path("data").get(0);
        assertThat(failed.path("id").asText()).startsWith("evt_");
        assertThat(failed.path("customer_id").asText()).isEqualTo(shopper.customerId());
        assertThat(failed.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(failed.path("user_agent").asText()).isEqualTo("AuditTest/1.0");
        assertThat(failed.path("data").path("reason").asText()).isEqualTo("wrong_password");
        assertThat(Instant.parse(failed.path("created_at").asText())).isAfter(before);

        JsonNode succeeded = list(tenant, "?type=login.succeeded").path("data").get(0);
        assertThat(succeeded.path("user_agent").asText()).isEqualTo("AuditTest/2.0");
        assertThat(succeeded.path("data").path("session_id").asText()).isEqualTo(ok.str("session_id"));
        assertThat(list(tenant, "?type=customer.registered").path("data").get(0).path("customer_id").asText())
                .isEqualTo(shopper.customerId());
    }

    @Test
    void loginWhenEmailUnknownThenFailureRecordedWithoutCustomerOrEmail() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", email, "password", "Secret-Typed-Here"))
                .send().expect(401, "invalid_credentials");
        var res = api.get("/v1/admin/audit?type=login.failed").bearer(tenant.sk()).send().expect(200);
        JsonNode event = res.body().path("data").get(0);
        assertThat(event.path("customer_id").isNull()).isTrue();
        assertThat(event.path("data").path("reason").asText()).isEqualTo("unknown_email");
        assertThat(res.raw()).doesNotContain(email).doesNotContain("Secret-Typed-Here");
    }

    @Test
    void auditLogWhenSessionsComeAndGoThenHoldsNoSecrets() {
        var tenant = Fixtures.tenant(api, Map.of("refresh_reuse_grace", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var login = Fixtures.login(api, tenant, shopper.email(), shopper.password());
        var refreshed = api.post("/v1/auth/refresh").key(tenant.pk())
                .body(Map.of("refresh_token", login.refreshToken())).send().expect(200);
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", login.refreshToken())).send()
                .expect(401, "refresh_token_reused");
        api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);

        var res = api.get("/v1/admin/audit?limit=100").bearer(tenant.sk()).send().expect(200);
        for (String secret : List.of(shopper.password(), shopper.accessToken(), shopper.refreshToken(),
                login.accessToken(), login.refreshToken(), refreshed.str("access_token"), tenant.sk(), tenant.pk())) {
            assertThat(res.raw()).doesNotContain(secret);
        }
        List<String> reasons = list(tenant, "?type=session.revoked").path("data").findValuesAsText("reason");
        assertThat(reasons).containsExactlyInAnyOrder("refresh_token_reused", "logout");
        JsonNode reuse = list(tenant, "?type=session.revoked").path("data").findParents("reason").stream()
                .filter(d -> d.path("reason").asText().equals("refresh_token_reused")).findFirst().orElseThrow();
        assertThat(reuse.path("session_id").asText()).isEqualTo(login.sessionId());
    }

    @Test
    void listWhenFilteredThenOnlyMatchingEventsOfThatCustomer() {
        var tenant = Fixtures.tenant(api);
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        login(first, "wrong password here", "t").expect(401);
        login(second, second.password(), "t").expect(200);

        JsonNode ofFirst = list(tenant, "?customer_id=" + first.customerId()).path("data");
        assertThat(ofFirst.findValuesAsText("customer_id")).containsOnly(first.customerId());
        assertThat(ofFirst.findValuesAsText("type")).containsExactlyInAnyOrder("login.failed", "customer.registered");
        JsonNode succeeded = list(tenant, "?type=login.succeeded").path("data");
        assertThat(succeeded.findValuesAsText("customer_id")).containsExactly(second.customerId());
        assertThat(list(tenant, "?type=login.succeeded&customer_id=" + first.customerId()).path("data")).isEmpty();
    }

    @Test
    void listWhenTimeBoundedThenEventsFromSinceUntilBeforeUntil() {
        var tenant = Fixtures.tenant(api);
        var first = Fixtures.shopper(api, tenant);
        server.clock.advance(java.time.Duration.ofMinutes(1));
        Instant middle = server.clock.instant();
        var second = Fixtures.shopper(api, tenant);
        server.clock.advance(java.time.Duration.ofMinutes(1));
        Instant end = server.clock.instant();
        var third = Fixtures.shopper(api, tenant);

        assertThat(list(tenant, "?type=customer.registered&since=" + middle).path("data")
                .findValuesAsText("customer_id")).containsExactly(third.customerId(), second.customerId());
        assertThat(list(tenant, "?type=customer.registered&until=" + middle).path("data")
                .findValuesAsText("customer_id")).containsExactly(first.customerId());
        String inMiddle = "?type=customer.registered&since=" + middle.atOffset(java.time.ZoneOffset.ofHours(2))
                .toString().replace("+", "%2B") + "&until=" + end;
        assertThat(list(tenant, inMiddle).path("data").findValuesAsText("customer_id"))
                .containsExactly(second.customerId());
        for (String bad : List.of("since=yesterday", "until=2026-13-01T00:00:00Z", "since=2026-05-08T13:00Z",
                "until=10000-01-01T00:00:00Z")) {
            var refused = api.get("/v1/admin/audit?" + bad).bearer(tenant.sk()).send().expect(422, "validation_failed");
            assertThat(refused.body().path("errors").get(0).path("field").asText()).isEqualTo(bad.split("=")[0]);
        }
    }

    @Test
    void listWhenAnotherTenantAsksThenItSeesNoneOfThem() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var other = Fixtures.tenant(api);
        assertThat(list(other, "").path("data")).isEmpty();
        assertThat(list(other, "?customer_id=" + shopper.customerId()).path("data")).isEmpty();
    }

    @Test
    void listPagesNewestFirstWithCursor() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 5; i++) {
            api.post("/v1/auth/login").key(tenant.pk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", "whatever it is")).send().expect(401);
            server.clock.advance(java.time.Duration.ofMillis(5));
        }
        List<String> ids = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = list(tenant, "?type=login.failed&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("data").forEach(e -> {
                ids.add(e.path("id").asText());
                times.add(Instant.parse(e.path("created_at").asText()));
            });
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(new HashSet<>(ids)).hasSize(5);
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    /**
     * Pages of a bounded list, of one customer, walked along next_cursor; and a cursor from beyond {@code until}, which
     * a client may carry over from an unbounded walk: the bound that ends the range more tightly holds either way.
     */
    @Test
    void listWhenBoundedInTimeAndPagedThenEveryEventOnceNewestFirst() {
        var tenant = Fixtures.tenant(api);
        var ada = Fixtures.shopper(api, tenant);
        var bob = Fixtures.shopper(api, tenant);
        for (int i = 0; i < 10; i++) {
            server.clock.advance(java.time.Duration.ofMinutes(1));
            api.patch("/v1/admin/customers/" + (i % 3 == 2 ? bob : ada).customerId()).bearer(tenant.sk())
                    .body(Map.of("first_name", "Name " + i)).send().expect(200);
        }
        // Ada's seven changes, oldest first, of which the second to the sixth lie in [since, until)
        String ofAda = "?type=customer.updated&customer_id=" + ada.customerId();
        List<Instant> adaChanged = createdAt(list(tenant, ofAda + "&limit=100")).reversed();
        assertThat(adaChanged).hasSize(7);
        String bounded = ofAda + "&since=" + adaChanged.get(1) + "&until=" + adaChanged.get(6);
        List<Instant> expected = adaChanged.subList(1, 6).reversed();

        for (int limit : new int[] {1, 2, 3}) {
            assertThat(walk(tenant, bounded, limit)).as("limit " + limit).containsExactlyElementsOf(expected);
        }
        assertThat(walk(tenant, "?since=" + adaChanged.get(1) + "&until=" + adaChanged.get(6), 2))
                .hasSize(8).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
        server.clock.advance(java.time.Duration.ofMinutes(1));
        api.patch("/v1/admin/customers/" + bob.customerId()).bearer(tenant.sk()).body(Map.of("first_name", "Later"))
                .send().expect(200);
        String newest = list(tenant, "?limit=1").path("next_cursor").asText();
        JsonNode beyondUntil = list(tenant, bounded + "&limit=2&cursor=" + newest);
        assertThat(createdAt(beyondUntil)).containsExactlyElementsOf(expected.subList(0, 2));
    }

    /** The times of every event of the query, page after page along next_cursor. */
    private List<Instant> walk(Fixtures.Tenant tenant, String query, int limit) {
        List<Instant> times = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = list(tenant, query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.path("data").size()).isLessThanOrEqualTo(limit);
            times.addAll(createdAt(page));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        } while (cursor != null);
        return times;
    }

    private static List<Instant> createdAt(JsonNode page) {
        List<Instant> times = new ArrayList<>();
        page.path("data").forEach(e -> times.add(Instant.parse(e.path("created_at").asText())));
        return times;
    }

    @Test
    void listWhenQueryInvalidThen422() {
        var tenant = Fixtures.tenant(api);
        api.get("/v1/admin/audit?type=login.exploded").bearer(tenant.sk()).send().expect(422, "validation_failed");
        api.get("/v1/admin/audit?cursor=not-a-cursor").bearer(tenant.sk()).send().expect(422, "validation_failed");
        api.get("/v1/admin/audit?limit=0").bearer(tenant.sk()).send().expect(422, "validation_failed");
        api.get("/v1/admin/audit?limit=101").bearer(tenant.sk()).send().expect(422, "validation_failed");
        api.get("/v1/admin/audit?customer_id=" + "c".repeat(65)).bearer(tenant.sk()).send()
                .expect(422, "validation_failed");
    }

    @Test
    void listWhenNotTheSecretKeyThenRefused() {
        var tenant = Fixtures.tenant(api);
        api.get("/v1/admin/audit").bearer(tenant.pk()).send().expect(403, "insufficient_scope");
        api.get("/v1/admin/audit").send().expect(401, "invalid_api_key");
        api.get("/v1/admin/audit").key(tenant.sk()).send().expect(401, "invalid_api_key");
    }

    @Test
    void settingsChangeIsRecordedAsAnAdminAction() {
        var tenant = Fixtures.tenant(api);
        api.patch("/v1/admin/settings").bearer(tenant.sk()).header("User-Agent", "merchant-backend/3")
                .body(Map.of("lockout_threshold", 5, "password_min_score", 2)).send().expect(200);
        JsonNode event = list(tenant, "?type=settings.changed").path("data").get(0);
        assertThat(event.path("customer_id").isNull()).isTrue();
        assertThat(event.path("user_agent").asText()).isEqualTo("merchant-backend/3");
        assertThat(event.path("data").path("by").asText()).isEqualTo("admin");
        List<String> changed = new ArrayList<>();
        event.path("data").path("changed").forEach(n -> changed.add(n.asText()));
        assertThat(changed).containsExactlyInAnyOrder("lockout_threshold", "password_min_score");
    }

    @Test
    void settingsChangeRecordsOnlyTheSettingsThatChanged() {
        var tenant = Fixtures.tenant(api, Map.of("allowed_origins", List.of("https://shop.example.com")));
        // the dashboard sends every setting at each save; a value sent as it is stored is no change
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("lockout_threshold", 10, "password_min_score",
                2, "allowed_origins", List.of("HTTPS://Shop.Example.com:443"))).send().expect(200);
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("lockout_threshold", 10)).send().expect(200);

        JsonNode events = list(tenant, "?type=settings.changed").path("data");
        assertThat(events).hasSize(1);
        List<String> changed = new ArrayList<>();
        events.get(0).path("data").path("changed").forEach(n -> changed.add(n.asText()));
        assertThat(changed).containsExactly("password_min_score");
        assertThat(api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body()
                .path("password_min_score").asInt()).isEqualTo(2);
    }
}
