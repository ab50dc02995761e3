package dev.latchkey.audit;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention on a server of its own, whose clock can move a month without disturbing other tests. */
class AuditPurgeTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_AUDIT_RETENTION_DAYS", "30"));
    private final TestServer server = OWN.server();
    private final Api api = OWN.api();

    private int count(Fixtures.Tenant tenant) {
        return api.get("/v1/admin/audit?limit=100").bearer(tenant.sk()).send().expect(200).body().path("data").size();
    }

    @Test
    void purgeDeletesEventsOlderThanTheRetentionOnlyThenStopsWithTheApplication() {
        var tenant = Fixtures.tenant(api);
        var other = Fixtures.tenant(api);
        Fixtures.shopper(api, tenant);
        Fixtures.shopper(api, other);
        server.clock.advance(Duration.ofDays(29));
        assertThat(server.app.auditPurger().purge()).isZero();
        Fixtures.shopper(api, tenant);
        server.clock.advance(Duration.ofDays(2));

        assertThat(server.app.auditPurger().purge()).isEqualTo(2);
        assertThat(count(tenant)).isEqualTo(1);
        assertThat(count(other)).isZero();

        assertThat(server.app.auditPurger().isRunning()).isTrue();
        server.app.close();
        assertThat(server.app.auditPurger().isRunning()).isFalse();
    }
}
