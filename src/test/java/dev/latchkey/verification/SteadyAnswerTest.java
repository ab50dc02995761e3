package dev.latchkey.verification;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The mail requests answer no sooner than the floor, for an address with an account and for one without. */
class SteadyAnswerTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api, Map.of("email_interval", 0));

    @Test
    void forgotThenNoSoonerThanTheFloorForKnownAndUnknownAddresses() {
        assertFloor("/v1/auth/password/forgot", Fixtures.shopper(api, tenant).email());
    }

    @Test
    void resendThenNoSoonerThanTheFloorForKnownAndUnknownAddresses() {
        assertFloor("/v1/auth/verify-email/resend", Fixtures.shopper(api, tenant).email()); // not verified yet
    }

    private void assertFloor(String path, String known) {
        for (String email : new String[] {known, Fixtures.uniqueEmail()}) {
            assertThat(timed(() -> api.post(path).key(tenant.pk()).body(Map.of("email", email)).send().expect(202)))
                    .as(email).isGreaterThanOrEqualTo(SteadyAnswer.FLOOR);
        }
    }

    private static Duration timed(Supplier<Api.Res> call) {
        long start = System.nanoTime();
        call.get();
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
