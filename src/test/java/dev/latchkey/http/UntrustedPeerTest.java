package dev.latchkey.http;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With no trusted proxy configured (the default), a spoofed X-Forwarded-For changes nothing. */
class UntrustedPeerTest {
    @RegisterExtension
    static final DedicatedServer OWN = new DedicatedServer(Map.of("LATCHKEY_RATE_LIMIT_LOGIN_PER_IP", "2/60"));
    private final TestServer server = OWN.server();
    private final Api api = OWN.api();

    @Test
    void loginWhenPeerIsNotATrustedProxyThenSpoofedForwardedForIsIgnored() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.50").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "password", shopper.password())).send().expect(200);
        var event = api.get("/v1/admin/audit?type=login.succeeded").bearer(tenant.sk()).send().expect(200)
                .body().path("data").get(0);
        assertThat(event.path("ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void loginWhenSpoofingAnotherForwardedForEachTimeThenStillLimitedByThePeer() {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < 2; i++) {
            api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113." + i).key(tenant.pk())
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", "whatever it is")).send().expect(401);
        }
        api.post("/v1/auth/login").header("X-Forwarded-For", "203.0.113.77").key(tenant.pk())
                .body(Map.of("email", Fixtures.uniqueEmail(), "password", "whatever it is")).send()
                .expect(429, "rate_limited");
    }
}
