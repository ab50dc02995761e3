package dev.latchkey.dashboard;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.TestServer;
import dev.latchkey.testing.TotpCodes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A staff member's two-step sign-in as the tests set it up on the dashboard, and the codes of their app. */
final class StaffTwoStep {
    private static final int STEP = 30;
    private static final Pattern SECRET = Pattern.compile("id=\"totp-secret\">([A-Z2-7]+)<");
    private static final Pattern RECOVERY = Pattern.compile("<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>");

    /** A member with two-step sign-in on: their seed and recovery codes as the pages showed them. */
    record Enrolled(String secret, List<String> recoveryCodes) {
    }

    private StaffTwoStep() {
    }

    /**
     * The current code of {@code secret}, after moving the server's clock to the start of the next 30-second step: the
     * code is still the current one when the server checks it, and one used before is not current any more.
     */
    static String code(TestServer server, String secret) {
        long into = server.clock.instant().getEpochSecond() % STEP;
        server.clock.advance(Duration.ofSeconds(STEP - into + 1));
        Instant now = server.clock.instant();
        return TotpCodes.at(secret, now);
    }

    /** Sets up two-step sign-in in the logged-in {@code client}, confirming the session with {@code password} first. */
    static Enrolled enrol(TestServer server, DashboardClient client, String password) {
        client.confirm("security", password).expectRedirect("/dashboard/security");
        var page = client.get("/dashboard/security").expect(200);
        assertThat(page.html()).contains("Two-step sign-in is off");
        var started = client.submit(page, "/dashboard/security/totp", Map.of()).expect(200);
        Matcher secret = SECRET.matcher(started.html());
        assertThat(secret.find()).as("the secret in %s", started.html()).isTrue();
        assertThat(started.html()).contains("otpauth://totp/");
        var done = client.submit(started, "/dashboard/security/totp/confirm",
                Map.of("code", code(server, secret.group(1)))).expect(200);
        return new Enrolled(secret.group(1), recoveryCodes(done));
    }

    static List<String> recoveryCodes(DashboardClient.Page page) {
        List<String> codes = new ArrayList<>();
        Matcher m = RECOVERY.matcher(page.html());
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    /** A logged-in dashboard client of this member, who has no second factor yet. */
    static DashboardClient loggedIn(String baseUrl, String tenantId, String email, String password) {
        DashboardClient client = new DashboardClient(baseUrl);
        client.login(tenantId, email, password).expectRedirect("/dashboard/customers");
        return client;
    }

    /** The shop's owner, logged in on the dashboard of the server {@code api} calls. */
    static DashboardClient owner(Api api, StaffFixtures.Shop shop) {
        return loggedIn(api.baseUrl(), shop.id(), shop.ownerEmail(), shop.ownerPassword());
    }

    /** The owner, logged in and confirmed with their password: the pages that ask for it work. */
    static DashboardClient confirmedOwner(Api api, StaffFixtures.Shop shop) {
        DashboardClient client = owner(api, shop);
        client.confirm(shop.ownerPassword());
        return client;
    }

    /** A new support member of the shop, logged in on the dashboard. */
    static DashboardClient support(Api api, StaffFixtures.Shop shop) {
        return loggedIn(api.baseUrl(), shop.id(), StaffFixtures.addStaff(api, shop, "support"), Fixtures.PASSWORD);
    }
}
