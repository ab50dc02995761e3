package dev.latchkey;

import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestClock;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static org.assertj.core.api.Assertions.assertThat;

/** What a restart must keep: everything is in the database, nothing only in memory. */
class ApplicationRestartTest {

    @Test
    void restartWhenSameDatabaseThenTenantCustomerAndTokensSurvive() {
        var db = TestDatabases.create();
        var clock = new TestClock();
        Fixtures.Tenant tenant;
        Fixtures.Shopper shopper;
        String anonToken;
        try (var node = TestNode.start(db, clock)) {
            tenant = Fixtures.tenant(node.api, Map.of("password_min_length", 12));
            shopper = Fixtures.shopper(node.api, tenant, Map.of("first_name", "Ada"));
            anonToken = node.api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        }

        try (var node = TestNode.start(db, clock)) {
            var api = node.api;
            var settings = api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body();
            assertThat(settings.path("password_min_length").asInt()).isEqualTo(12);

            var me = api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
            assertThat(me.str("id")).isEqualTo(shopper.customerId());
            assertThat(me.str("first_name")).isEqualTo("Ada");

            introspect(api, tenant, anonToken).expect(200);
            Fixtures.login(api, tenant, shopper.email(), shopper.password());
            var rotated = refresh(api, tenant, shopper.refreshToken()).expect(200);
            assertThat(rotated.str("session_id")).isEqualTo(shopper.sessionId());
            api.post("/v1/customers").key(tenant.pk())
                    .body(Map.of("email", shopper.email(), "password", shopper.password())).send()
                    .expect(409, "email_taken");
        }
    }

    @Test
    void restartWhenTokenRevokedBeforeThenStillRevokedAfter() {
        var db = TestDatabases.create();
        var clock = new TestClock();
        Fixtures.Tenant tenant;
        Fixtures.Shopper shopper;
        try (var node = TestNode.start(db, clock)) {
            tenant = Fixtures.tenant(node.api);
            shopper = Fixtures.shopper(node.api, tenant);
            node.api.post("/v1/auth/logout").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(204);
        }

        try (var node = TestNode.start(db, clock)) {
            introspect(node.api, tenant, shopper.accessToken()).expect(401, "invalid_token");
            refresh(node.api, tenant, shopper.refreshToken()).expect(401, "invalid_token");
        }
    }
}
