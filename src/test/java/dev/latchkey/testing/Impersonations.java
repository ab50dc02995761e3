package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Impersonations started over HTTP, and whether they still work. */
public final class Impersonations {
    private Impersonations() {
    }

    /** The impersonation {@code bearer} (a staff token or a secret key) starts, as a shopper a client acts as. */
    public static Fixtures.Shopper start(Api api, String bearer, Fixtures.Shopper customer) {
        JsonNode started = api.post("/v1/admin/customers/" + customer.customerId() + "/impersonation").bearer(bearer)
                .send().expect(201).body();
        return new Fixtures.Shopper(customer.tenant(), customer.email(), null, customer.customerId(),
                started.path("access_token").asText(), null, started.path("session_id").asText(), null);
    }

    /** Its token works for the profile and the introspection. */
    public static void assertLive(Api api, Fixtures.Shopper impersonation) {
        api.get("/v1/me").as(impersonation).send().expect(200);
        Tokens.introspect(api, impersonation.tenant(), impersonation.accessToken()).expect(200);
    }

    /**
     * Its token is refused at once; the session list of {@code customer}, whose own session goes on, no longer shows
     * it; and its end is recorded about the customer as {@code session.revoked} with {@code reason}.
     */
    public static void assertEnded(Api api, Fixtures.Shopper customer, Fixtures.Shopper impersonation, String reason) {
        api.get("/v1/me").as(impersonation).send().expect(401, "invalid_token");
        Tokens.assertRefused(api, impersonation.tenant(), impersonation.accessToken());
        var tenant = impersonation.tenant();
        api.get("/v1/me/sessions").as(customer).send().expect(200).body().path("data").forEach(session ->
                assertThat(session.path("id").asText()).isNotEqualTo(impersonation.sessionId()));
        boolean recorded = false;
        for (JsonNode event : AuditEvents.of(api, tenant, impersonation.customerId(), "session.revoked")) {
            if (event.path("data").path("session_id").asText().equals(impersonation.sessionId())) {
                assertThat(event.path("data").path("reason").asText()).isEqualTo(reason);
                recorded = true;
            }
        }
        assertThat(recorded).as("session.revoked of %s", impersonation.sessionId()).isTrue();
    }

    /** {@code customer} holds no session but their own, and no impersonation of them was recorded. */
    public static void assertNoneStarted(Api api, Fixtures.Shopper customer) {
        var tenant = customer.tenant();
        assertThat(api.get("/v1/admin/customers/" + customer.customerId() + "/sessions").bearer(tenant.sk()).send()
                .expect(200).body().path("data").findValuesAsText("id")).containsExactly(customer.sessionId());
        assertThat(AuditEvents.of(api, tenant, customer.customerId(), "customer.impersonation_started")).isEmpty();
    }

    /**
     * The answer to {@code bearer}'s start of an impersonation of {@code customer} that waits for the row of staff
     * member {@code staffId}: a concurrent transaction holds it (as a change to the member does) while it runs
     * {@code change}, then commits.
     */
    public static Api.Res startWhileTheMemberChanges(TestServer server, String bearer, Fixtures.Shopper customer,
                                                     String staffId, RowLocks.Sql... change) throws Exception {
        String tenantId = customer.tenant().id();
        return RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE staff SET updated_at = updated_at WHERE tenant_id = ? AND id = ?", tenantId,
                        staffId),
                () -> server.api.post("/v1/admin/customers/" + customer.customerId() + "/impersonation")
                        .bearer(bearer).send(), change);
    }

    /** Turns {@code staff_impersonation} on for the tenant. */
    public static void allow(Api api, Fixtures.Tenant tenant) {
        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("staff_impersonation", true)).send()
                .expect(200);
    }
}
