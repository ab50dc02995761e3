package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class SessionsTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final Fixtures.Shopper first = Fixtures.shopper(api, tenant);

    @Test
    void listWhenTwoDevicesThenBothNewestFirstWithTheCurrentMarked() {
        Fixtures.Shopper second = loginFrom("Firefox/128.0 (test)");

        JsonNode data = sessions(second).path("data");

        assertThat(data.findValuesAsText("id")).containsExactly(second.sessionId(), first.sessionId());
        JsonNode current = data.get(0);
        assertThat(current.path("current").asBoolean()).isTrue();
        assertThat(current.path("kind").asText()).isEqualTo("customer");
        assertThat(current.path("user_agent").asText()).isEqualTo("Firefox/128.0 (test)");
        assertThat(current.path("ip").asText()).isNotBlank();
        assertThat(Instant.parse(current.path("expires_at").asText()))
                .isAfter(Instant.parse(current.path("created_at").asText()));
        assertThat(data.get(1).path("current").asBoolean()).isFalse();
    }

    @Test
    void revokeWhenTheSessionRefreshesAtTheSameTimeThenNeverAServerErrorAndTheSessionStaysEnded() {
        for (int round = 0; round < 12; round++) {
            Fixtures.Shopper other = loginFrom("racing tab");
            var revokeOne = (Callable<Api.Res>) () ->
                    api.delete("/v1/me/sessions/" + other.sessionId()).as(first).send();
            var revokeOthers = (Callable<Api.Res>) () ->
                    api.delete("/v1/me/sessions").as(first).send();

            List<Api.Res> answers = Concurrently.all(List.of(round % 2 == 0 ? revokeOne : revokeOthers,
                    () -> Tokens.refresh(api, tenant, other.refreshToken())));

            assertThat(answers.get(0).status()).isEqualTo(204);
            Api.Res refreshed = answers.get(1);
            assertThat(refreshed.status()).isIn(200, 401);
            Tokens.assertRefused(api, tenant, other.accessToken());
            if (refreshed.status() == 200) { // it came first; the revocation ended the pair it handed out too
                Tokens.assertRefused(api, tenant, refreshed.str("access_token"));
                Tokens.refresh(api, tenant, refreshed.str("refresh_token")).expect(401, "invalid_token");
            }
        }
        api.get("/v1/me").as(first).send().expect(200);
    }

    /**
     * Two devices each ending the other at the same instant, in every way a shopper can: the one that comes second finds
     * its own session ended (401) and changes nothing, so exactly one device stays logged in, whichever came first.
     */
    @Test
    void endingEachOtherAtOnceThenTheSecondFindsItselfEndedAndOneDeviceStays() {
        for (int round = 0; round < 6; round++) {
            Fixtures.Shopper x = loginFrom("device x " + round);
            Fixtures.Shopper y = loginFrom("device y " + round);
            String newPassword = "a fresh pass phrase " + round;
            Callable<Api.Res> xEnds = switch (round % 3) {
                case 0 -> () -> api.delete("/v1/me/sessions").as(x).send();
                case 1 -> () -> api.delete("/v1/me/sessions/" + y.sessionId()).as(x).send();
                default -> () -> api.post("/v1/me/password").as(x).body(Map.of("current_password", x.password(),
                        "new_password", newPassword)).send();
            };
            Callable<Api.Res> yEnds = round % 2 == 0
                    ? () -> api.delete("/v1/me/sessions").as(y).send()
                    : () -> api.delete("/v1/me/sessions/" + x.sessionId()).as(y).send();

            List<Api.Res> answers = Concurrently.all(List.of(xEnds, yEnds));

            assertThat(answers).as("round %d", round).extracting(Api.Res::status).containsExactlyInAnyOrder(204, 401);
            answers.stream().filter(answer -> answer.status() == 401)
                    .forEach(refused -> assertThat(refused.str("code")).isEqualTo("invalid_token"));
            boolean xStays = answers.get(0).status() == 204;
            api.get("/v1/me").as(xStays ? x : y).send().expect(200);
            Tokens.assertRefused(api, tenant, (xStays ? y : x).accessToken());
            if (round % 3 == 2) {
                // a password change refused for its ended session left the password as it was
                String password = xStays ? newPassword : first.password();
                api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", first.email(), "password", password))
                        .send().expect(200);
                if (xStays) {
                    api.post("/v1/me/password").as(x).body(Map.of("current_password", password,
                            "new_password", first.password())).send().expect(204);
                }
            }
        }
    }

    /** Of two devices changing the password at once, the second finds itself logged out by the first: 401, not 403. */
    @Test
    void passwordChangedOnTwoDevicesAtOnceThenTheSecondIsLoggedOutNotToldItsPasswordIsWrong() {
        for (int round = 0; round < 4; round++) {
            Fixtures.Shopper x = loginFrom("device x " + round);
            Fixtures.Shopper y = loginFrom("device y " + round);
            String xPassword = "x pass phrase of round " + round;
            String yPassword = "y pass phrase of round " + round;

            List<Api.Res> answers = Concurrently.all(List.of(
                    () -> api.post("/v1/me/password").as(x).body(Map.of("current_password", first.password(),
                            "new_password", xPassword)).send(),
                    () -> api.post("/v1/me/password").as(y).body(Map.of("current_password", first.password(),
                            "new_password", yPassword)).send()));

            assertThat(answers).as("round %d", round).extracting(Api.Res::status).containsExactlyInAnyOrder(204, 401);
            boolean xWon = answers.get(0).status() == 204;
            assertThat(answers.get(xWon ? 1 : 0).str("code")).isEqualTo("invalid_token");
            api.post("/v1/me/password").as(xWon ? x : y).body(Map.of("current_password", xWon ? xPassword : yPassword,
                    "new_password", first.password())).send().expect(204);
        }
    }

    /**
     * The shopper's own session ends (another device logs it out) while an email change it asked for waits for the
     * account's row: once it has the row, the change finds its session ended and is refused, and nothing is sent.
     */
    @Test
    void emailChangeWhenItsSessionEndsWhileItWaitsForTheAccountThenRefusedAndNothingIsRequested() throws Exception {
        Fixtures.Shopper x = loginFrom("device x");

        Api.Res answer = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE customers SET updated_at = updated_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), first.customerId()),
                () -> api.post("/v1/me/email").as(x).body(Map.of("new_email", Fixtures.uniqueEmail(), "password",
                        x.password())).send(),
                new RowLocks.Sql("UPDATE sessions SET revoked_at = CURRENT_TIMESTAMP WHERE tenant_id = ? AND id = ?",
                        tenant.id(), x.sessionId()));

        answer.expect(401, "invalid_token");
        assertThat(AuditEvents.types(api, tenant, first.customerId())).doesNotContain("email.change_requested");
        api.get("/v1/me").as(first).send().expect(200);
    }

    @Test
    void listWhenManySessionsThenPaged() {
        Fixtures.Shopper second = loginFrom("b");
        Fixtures.Shopper third = loginFrom("c");

        var page = api.get("/v1/me/sessions?limit=2").as(third).send().expect(200);
        var rest = api.get("/v1/me/sessions?limit=2&cursor=" + page.str("next_cursor")).as(third).send().expect(200);

        assertThat(page.body().path("data").findValuesAsText("id")).containsExactly(third.sessionId(), second.sessionId());
        assertThat(rest.body().path("data").findValuesAsText("id")).containsExactly(first.sessionId());
        assertThat(rest.body().path("next_cursor").isNull()).isTrue();
    }

    @Test
    void listWhenSessionLoggedOutThenNotListed() {
        Fixtures.Shopper second = loginFrom("b");

        api.post("/v1/auth/logout").as(first).send().expect(204);

        assertThat(sessions(second).path("data").findValuesAsText("id")).containsExactly(second.sessionId());
    }

    @Test
    void listWhenSessionExpiredThenNotListed() {
        // both tokens expired: while the access token works, the session is live (see AdminSessionsTest)
        var shortLived = Fixtures.tenant(api, Map.of("refresh_token_ttl", 60, "access_token_ttl", 60));
        Fixtures.Shopper old = Fixtures.shopper(api, shortLived);
        server.clock.advance(Duration.ofSeconds(61));
        Fixtures.Shopper fresh = Fixtures.login(api, shortLived, old.email(), old.password());

        assertThat(sessions(fresh).path("data").findValuesAsText("id")).containsExactly(fresh.sessionId());
    }

    @Test
    void listWhenAccessTokenOutlivesTheRefreshTokenThenTheSessionLivesAsLongAsItsAccessToken() {
        var longAccess = Fixtures.tenant(api, Map.of("access_token_ttl", 3600, "refresh_token_ttl", 60));
        Fixtures.Shopper shopper = Fixtures.shopper(api, longAccess);
        Fixtures.Shopper laptop = Fixtures.login(api, longAccess, shopper.email(), shopper.password());
        server.clock.advance(Duration.ofSeconds(61));
        Tokens.introspect(api, longAccess, shopper.accessToken()).expect(200);

        JsonNode listed = sessions(shopper).path("data");

        assertThat(listed.findValuesAsText("id")).containsExactlyInAnyOrder(shopper.sessionId(), laptop.sessionId());
        for (JsonNode session : listed) {
            Fixtures.Shopper device = session.path("id").asText().equals(shopper.sessionId()) ? shopper : laptop;
            assertThat(Instant.parse(session.path("expires_at").asText()))
                    .isEqualTo(Instant.parse(device.authResult().path("expires_at").asText()));
        }
        api.get("/v1/admin/customers/" + shopper.customerId() + "/sessions").bearer(longAccess.sk()).send()
                .expect(200).body().path("data").forEach(session -> assertThat(session.path("id").asText())
                        .isIn(shopper.sessionId(), laptop.sessionId()));
        api.delete("/v1/me/sessions/" + laptop.sessionId()).as(shopper).send().expect(204);
        Tokens.assertRefused(api, longAccess, laptop.accessToken());
        api.delete("/v1/me/sessions/" + shopper.sessionId()).as(shopper).send().expect(204);
        Tokens.assertRefused(api, longAccess, shopper.accessToken());
    }

    @Test
    void lastUsedAtWhenUsedWithinAMinuteThenWrittenOnlyOnce() {
        Instant firstUse = lastUsedAt(first);

        server.clock.advance(Duration.ofSeconds(30));
        assertThat(lastUsedAt(first)).isEqualTo(firstUse);

        server.clock.advance(Duration.ofSeconds(31));
        Instant later = lastUsedAt(first);
        assertThat(later).isAfterOrEqualTo(firstUse.plusSeconds(61));
        assertThat(lastUsedAt(first)).isEqualTo(later);
    }

    @Test
    void revokeWhenOtherSessionThenItsTokensFailAtOnce() {
        Fixtures.Shopper second = loginFrom("b");
        api.get("/v1/me").as(first).send().expect(200);

        api.delete("/v1/me/sessions/" + first.sessionId()).as(second).send().expect(204);

        api.get("/v1/me").as(first).send().expect(401, "invalid_token");
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", first.refreshToken())).send()
                .expect(401, "invalid_token");
        api.get("/v1/me").as(second).send().expect(200);
        assertThat(sessions(second).path("data").findValuesAsText("id")).containsExactly(second.sessionId());
        api.delete("/v1/me/sessions/" + first.sessionId()).as(second).send().expect(404, "not_found");
        JsonNode revoked = AuditEvents.only(api, tenant, first.customerId(), "session.revoked");
        assertThat(revoked.path("data").path("reason").asText()).isEqualTo("customer");
        assertThat(revoked.path("data").path("session_id").asText()).isEqualTo(first.sessionId());
    }

    @Test
    void revokeWhenCurrentSessionThenActsAsLogout() {
        api.delete("/v1/me/sessions/" + first.sessionId()).as(first).send().expect(204);

        api.get("/v1/me").as(first).send().expect(401, "invalid_token");
    }

    @Test
    void revokeAllWhenSeveralThenAllButTheCurrentEnd() {
        Fixtures.Shopper second = loginFrom("b");
        Fixtures.Shopper third = loginFrom("c");
        api.get("/v1/me").as(first).send().expect(200);
        api.get("/v1/me").as(second).send().expect(200);

        api.delete("/v1/me/sessions").as(third).send().expect(204);

        api.get("/v1/me").as(first).send().expect(401, "invalid_token");
        api.get("/v1/me").as(second).send().expect(401, "invalid_token");
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", second.refreshToken())).send()
                .expect(401, "invalid_token");
        assertThat(sessions(third).path("data").findValuesAsText("id")).containsExactly(third.sessionId());
        JsonNode revoked = AuditEvents.only(api, tenant, first.customerId(), "session.revoked");
        assertThat(revoked.path("data").path("reason").asText()).isEqualTo("customer");
        assertThat(revoked.path("data").path("count").asInt()).isEqualTo(2);
    }

    /**
     * Ending the others publishes one invalidation of the customer, after the commit (a request that cached a token of
     * theirs meanwhile is covered by it too); with no other session, nothing ends and nothing is published.
     */
    @Test
    void revokeAllWhenSeveralThenTheCustomerIsPublishedOnce() {
        Fixtures.Shopper second = loginFrom("b");
        api.get("/v1/me").as(first).send().expect(200);
        List<Invalidation> published = Publications.of(server, tenant.id());

        api.delete("/v1/me/sessions").as(second).send().expect(204);

        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                first.customerId()));
        api.get("/v1/me").as(first).send().expect(401, "invalid_token");
        published.clear();
        api.delete("/v1/me/sessions").as(second).send().expect(204);
        assertThat(published).isEmpty();
    }

    @Test
    void revokeOneWhenIdLeftEmptyThenNotFoundAndNoSessionEnds() {
        Fixtures.Shopper second = loginFrom("b");

        api.delete("/v1/me/sessions/").as(first).send().expect(404, "not_found");
        api.delete("/v1/admin/customers/" + first.customerId() + "/sessions/").bearer(tenant.sk()).send()
                .expect(404, "not_found");

        api.get("/v1/me").as(first).send().expect(200);
        api.get("/v1/me").as(second).send().expect(200);
    }

    @Test
    void revokeAllWhenOtherCustomersHaveSessionsThenTheirsStay() {
        Fixtures.Shopper neighbour = Fixtures.shopper(api, tenant);
        Fixtures.Shopper stranger = Fixtures.shopper(api, Fixtures.tenant(api));

        api.delete("/v1/me/sessions").as(first).send().expect(204);

        api.get("/v1/me").as(first).send().expect(200);
        api.get("/v1/me").as(neighbour).send().expect(200);
        api.get("/v1/me").as(stranger).send().expect(200);
    }

    @Test
    void revokeWhenOtherCustomersSessionThenNotFoundAndItStays() {
        Fixtures.Shopper neighbour = Fixtures.shopper(api, tenant);

        api.delete("/v1/me/sessions/" + neighbour.sessionId()).as(first).send().expect(404, "not_found");

        api.get("/v1/me").as(neighbour).send().expect(200);
        assertThat(sessions(first).path("data").findValuesAsText("id")).containsExactly(first.sessionId());
    }

    @Test
    void revokeWhenOtherTenantsSessionThenNotFoundAndItStays() {
        Fixtures.Shopper stranger = Fixtures.shopper(api, Fixtures.tenant(api));

        api.delete("/v1/me/sessions/" + stranger.sessionId()).as(first).send().expect(404, "not_found");
        api.delete("/v1/me/sessions/" + first.sessionId()).key(stranger.tenant().pk()).bearer(first.accessToken())
                .send().expect(401, "invalid_token");

        api.get("/v1/me").as(stranger).send().expect(200);
        api.get("/v1/me").as(first).send().expect(200);
    }

    @Test
    void revokeWhenGuestSessionIdThenNotFound() {
        var guest = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201);

        api.delete("/v1/me/sessions/" + guest.str("session_id")).as(first).send().expect(404, "not_found");
        api.delete("/v1/me/sessions/ses_unknown").as(first).send().expect(404, "not_found");
        api.get("/v1/auth/token").key(tenant.pk()).bearer(guest.str("access_token")).send().expect(200);
    }

    @Test
    void sessionsWhenAnonymousOrNoTokenThenRefused() {
        String anon = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");

        api.get("/v1/me/sessions").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
        api.delete("/v1/me/sessions").key(tenant.pk()).bearer(anon).send().expect(403, "insufficient_scope");
        api.get("/v1/me/sessions").key(tenant.pk()).send().expect(401, "invalid_token");
        api.get("/v1/me/sessions?limit=500").as(first).send().expect(422, "validation_failed");
    }

    @Test
    void userAgentWhenSentInUtf8ThenListedAsSent() {
        String json = Api.json(Map.of("email", first.email(), "password", first.password()));
        // a plain socket, as the test's HTTP client sends header values as ISO-8859-1 only
        String utf8 = api.raw("POST", "/v1/auth/login").key(tenant.pk()).header("User-Agent", "Caf\u00e9App/2 \u65e5\u672c")
                .header("Content-Type", "application/json")
                .header("Content-Length", Integer.toString(json.getBytes(StandardCharsets.UTF_8).length))
                .body(json).send().expect(200).str("session_id");
        Map<String, String> listed = new HashMap<>();
        sessions(first).path("data").forEach(s -> listed.put(s.path("id").asText(), s.path("user_agent").asText()));
        assertThat(listed).containsEntry(utf8, "Caf\u00e9App/2 \u65e5\u672c");
    }

    private Fixtures.Shopper loginFrom(String userAgent) {
        var res = api.post("/v1/auth/login").key(tenant.pk()).header("User-Agent", userAgent)
                .body(Map.of("email", first.email(), "password", first.password())).send().expect(200);
        return new Fixtures.Shopper(tenant, first.email(), first.password(), first.customerId(),
                res.str("access_token"), res.str("refresh_token"), res.str("session_id"), res.body());
    }

    private JsonNode sessions(Fixtures.Shopper shopper) {
        return api.get("/v1/me/sessions").as(shopper).send().expect(200).body();
    }

    private Instant lastUsedAt(Fixtures.Shopper shopper) {
        for (JsonNode session : sessions(shopper).path("data")) {
            if (session.path("id").asText().equals(shopper.sessionId())) {
                return Instant.parse(session.path("last_used_at").asText());
            }
        }
        throw new AssertionError("session " + shopper.sessionId() + " is not listed");
    }
}
