package dev.latchkey.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.cluster.Invalidation;
import dev.latchkey.order.OrderCalls;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.Problems;
import dev.latchkey.testing.TestSmtp;
import dev.latchkey.testing.TotpCodes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging in with a six-digit code mailed to the shopper, through the real server and real mail. */
class LoginCodeTest extends MailTest {
    private static final String SUBJECT = "Your Test Shop login code";
    /** The code stands on a line of its own in the shipped text part. */
    private static final Pattern CODE_LINE = Pattern.compile("(?m)^([0-9]{6})$");
    private static final String SQUATTER_PASSWORD = "the squatter chose this one";

    private static Api.Res request(Fixtures.Tenant tenant, Map<String, Object> body) {
        return api.post("/v1/auth/login/code").key(tenant.pk()).body(body).send();
    }

    private static Api.Res enter(Fixtures.Tenant tenant, String email, String code) {
        return api.post("/v1/auth/login/code/verify").key(tenant.pk()).body(Map.of("email", email, "code", code))
                .send();
    }

    /** Asks for a code and returns it from the {@code nth} code mail (1 = the first) the address received. */
    private static String mailedCode(Fixtures.Tenant tenant, String email, int nth) {
        request(tenant, Map.of("email", email)).expect(202);
        return code(codeMails(email, nth).get(nth - 1));
    }

    private static String mailedCode(Fixtures.Tenant tenant, String email) {
        return mailedCode(tenant, email, 1);
    }

    /** The code mails to the address, oldest first, once there are {@code count}; other mail is passed over. */
    private static List<MimeMessage> codeMails(String email, int count) {
        Await.until(() -> codeMailsNow(email).size() >= count, 10_000, count + " code mails to " + email);
        return codeMailsNow(email);
    }

    private static List<MimeMessage> codeMailsNow(String email) {
        return smtp.to(email).stream().filter(m -> TestSmtp.subject(m).equals(SUBJECT)).toList();
    }

    private static String code(MimeMessage mail) {
        Matcher matcher = CODE_LINE.matcher(TestSmtp.text(mail));
        assertThat(matcher.find()).as("a code in %s", TestSmtp.text(mail)).isTrue();
        return matcher.group(1);
    }

    /** Another six-digit code than {@code code}. */
    private static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    /** Someone registers {@code address} with a password of their own before its owner ever logs in; logged in. */
    private static Api.Res squat(Fixtures.Tenant tenant, String address) {
        return register(tenant, address, Map.of("password", SQUATTER_PASSWORD)).expect(201);
    }

    private static JsonNode lockout(Fixtures.Tenant tenant, String customerId) {
        return api.get("/v1/admin/customers/" + customerId + "/lockout").bearer(tenant.sk()).send().expect(200).body();
    }

    private static boolean verified(Fixtures.Tenant tenant, String customerId) {
        return api.get("/v1/admin/customers/" + customerId).bearer(tenant.sk()).send().expect(200).body()
                .path("email_verified").asBoolean();
    }

    @Test
    void loginWithCodeThenLoggedInGuestCartClaimedAddressVerifiedAndGuestOrdersAttached() {
        var tenant = shop(Map.of("require_email_verification", true));
        String email = Fixtures.uniqueEmail();
        var registered = register(tenant, email, Map.of()).expect(201);
        String customerId = registered.body().path("customer").path("id").asText();
        login(tenant, email, Fixtures.PASSWORD).expect(403, "email_not_verified");
        var orders = new OrderCalls(api, tenant);
        String guestOrder = orders.guest(email);
        String anonymous = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201).str("access_token");
        String guestCart = api.post("/v1/carts").key(tenant.pk()).bearer(anonymous).send().expect(201).str("id");
        api.put("/v1/carts/" + guestCart + "/items/MUG-1").key(tenant.pk()).bearer(anonymous)
                .body(Map.of("quantity", 2)).send().expect(200);

        var answer = request(tenant, Map.of("email", " " + email.toUpperCase() + " ")).expect(202);
        assertThat(answer.str("message")).isNotBlank();
        MimeMessage mail = codeMails(email, 1).getFirst(); // after the verification mail the tenant sends at sign-up
        String code = code(mail);
        assertThat(TestSmtp.text(mail)).contains("expires in 10 minutes");
        assertThat(TestSmtp.html(mail)).contains(code);

        var result = api.post("/v1/auth/login/code/verify").key(tenant.pk()).bearer(anonymous)
                .body(Map.of("email", email, "code", code, "cart_id", guestCart)).send().expect(200);

        assertThat(result.str("access_token")).startsWith("cust_");
        assertThat(result.body().path("customer").path("id").asText()).isEqualTo(customerId);
        assertThat(result.body().path("customer").path("email_verified").asBoolean()).isTrue();
        String cartId = result.str("cart_id");
        var cart = api.get("/v1/carts/" + cartId).key(tenant.pk()).bearer(result.str("access_token")).send()
                .expect(200);
        assertThat(cart.body().path("items").get(0).path("sku").asText()).isEqualTo("MUG-1");
        api.get("/v1/carts/" + guestCart).key(tenant.pk()).bearer(anonymous).send().expect(404, "not_found");
        assertThat(orders.mine(result.str("access_token"))).containsExactly(guestOrder);
        // the code was the address's first proof: the password chosen before it no longer logs in
        login(tenant, email, Fixtures.PASSWORD).expect(401, "invalid_credentials");
        assertThat(AuditEvents.only(api, tenant, customerId, "password.removed").path("data").path("reason").asText())
                .isEqualTo("address_proven_by_code");

        JsonNode succeeded = AuditEvents.only(api, tenant, customerId, "login.succeeded");
        assertThat(succeeded.path("data").path("method").asText()).isEqualTo("code");
        assertThat(succeeded.path("data").path("session_id").asText()).isEqualTo(result.str("session_id"));
        AuditEvents.only(api, tenant, customerId, "email.verified");
        JsonNode sent = AuditEvents.only(api, tenant, customerId, "login.code_sent");
        assertThat(sent.toString()).doesNotContain(code);
        var export = api.get("/v1/me/export").key(tenant.pk()).bearer(result.str("access_token")).send().expect(200);
        assertThat(export.body().path("email_tokens").findValuesAsText("purpose")).contains("login_code");
        assertThat(export.raw()).doesNotContain(code);
    }

    @Test
    void requestWhenUnknownEmailThenSameAnswerNoMailAndItsLoginFailsAlike() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String unknown = Fixtures.uniqueEmail();

        var known = request(tenant, Map.of("email", shopper.email())).expect(202);
        var missing = request(tenant, Map.of("email", unknown)).expect(202);

        assertThat(missing.body()).isEqualTo(known.body());
        assertThat(queuedTo(unknown)).isZero();
        assertThat(queuedTo(shopper.email())).isEqualTo(1);
        var wrong = enter(tenant, shopper.email(), wrong(code(smtp.awaitOne(shopper.email()))))
                .expect(401, "invalid_credentials");
        long started = System.nanoTime();
        var nobody = enter(tenant, unknown, "123456").expect(401, "invalid_credentials");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no sooner than the floor, known or not")
                .isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(nobody.str("detail")).isEqualTo(wrong.str("detail"));
    }

    @Test
    void codeWhenFirstProofOfAnAddressSomeoneElseRegisteredThenTheirPasswordAndSessionsEnd() {
        var tenant = shop(Map.of());
        String victim = Fixtures.uniqueEmail();
        String squatterPassword = SQUATTER_PASSWORD;
        var squatter = squat(tenant, victim);
        String customerId = squatter.body().path("customer").path("id").asText();
        String squatterToken = squatter.str("access_token");
        String squatterRefresh = squatter.str("refresh_token");
        api.post("/v1/me/email").key(tenant.pk()).bearer(squatterToken)
                .body(Map.of("new_email", Fixtures.uniqueEmail(), "password", squatterPassword)).send().expect(202);
        String guestOrder = new OrderCalls(api, tenant).guest(victim);
        String code = mailedCode(tenant, victim);
        List<Invalidation> published = Publications.of(server, tenant.id());

        var owner = enter(tenant, victim, code).expect(200);

        // the password, the sessions and the address's proof each change what nodes cache of the customer: once
        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(), customerId));

        api.get("/v1/me").key(tenant.pk()).bearer(squatterToken).send().expect(401, "invalid_token");
        api.post("/v1/auth/refresh").key(tenant.pk()).body(Map.of("refresh_token", squatterRefresh)).send()
                .expect(401);
        login(tenant, victim, squatterPassword).expect(401, "invalid_credentials");
        assertThat(new OrderCalls(api, tenant).mine(owner.str("access_token"))).containsExactly(guestOrder);
        api.get("/v1/me").key(tenant.pk()).bearer(owner.str("access_token")).send().expect(200);
        JsonNode removed = AuditEvents.only(api, tenant, customerId, "password.removed").path("data");
        assertThat(removed.path("other_sessions_revoked").asBoolean()).isTrue();
        // the email change the squatter asked for is withdrawn: its link cannot move the address away any more
        List<JsonNode> changes = new ArrayList<>();
        api.get("/v1/me/export").key(tenant.pk()).bearer(owner.str("access_token")).send().expect(200).body()
                .path("email_tokens").forEach(token -> {
                    if (token.path("purpose").asText().equals("email_change")) {
                        changes.add(token);
                    }
                });
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().path("voided_at").isNull()).isFalse();

        // an address verified already keeps its password
        var verified = Fixtures.verifiedShopper(api, tenant, Map.of());
        enter(tenant, verified.email(), mailedCode(tenant, verified.email())).expect(200);
        login(tenant, verified.email(), verified.password()).expect(200);
    }

    @Test
    void wrongCodeThenRefusedAndTheRightOneStillWorks() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());

        enter(tenant, shopper.email(), wrong(code)).expect(401, "invalid_credentials");
        enter(tenant, shopper.email(), code).expect(200);

        JsonNode failed = AuditEvents.only(api, tenant, shopper.customerId(), "login.failed");
        assertThat(failed.path("data").path("reason").asText()).isEqualTo("wrong_code");
        assertThat(failed.path("data").path("method").asText()).isEqualTo("code");
        assertThat(lockout(tenant, shopper.customerId()).path("failed_attempts").asInt()).isZero();
    }

    @Test
    void fiveWrongEntriesThenTheCodeIsBurned() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());

        for (int i = 0; i < 5; i++) {
            enter(tenant, shopper.email(), wrong(code)).expect(401, "invalid_credentials");
        }

        enter(tenant, shopper.email(), code).expect(401, "invalid_credentials");
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "login.failed").get(0).path("data")
                .path("reason").asText()).isEqualTo("no_code");
        // within email_interval all the same, a burned code holds no new one back
        enter(tenant, shopper.email(), mailedCode(tenant, shopper.email(), 2)).expect(200);
    }

    @Test
    void codeWhenExpiredThenRefused() {
        var tenant = shop(Map.of("login_code_ttl", 60));
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());
        assertThat(TestSmtp.text(smtp.awaitOne(shopper.email()))).contains("expires in 1 minute");

        server.clock.advance(Duration.ofSeconds(61));

        enter(tenant, shopper.email(), code).expect(401, "invalid_credentials");
    }

    @Test
    void codeWhenUsedAlreadyThenRefused() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());
        enter(tenant, shopper.email(), code).expect(200);

        enter(tenant, shopper.email(), code).expect(401, "invalid_credentials");
    }

    @Test
    void codeEnteredTwiceAtOnceThenOneLoginOnly() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());

        List<Integer> statuses = Concurrently.statuses(4, () -> enter(tenant, shopper.email(), code));

        assertThat(statuses).containsExactlyInAnyOrder(200, 401, 401, 401);
    }

    @Test
    void codesGuessedPastTheLoginQuotaThenRateLimited() {
        var tenant = shop(Map.of("lockout_threshold", 100));
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());
        // the per-account login bucket (30 an hour), which password logins share
        for (int i = 0; i < 29; i++) {
            enter(tenant, shopper.email(), i % 2 == 0 ? wrong(code) : "000000").expect(401);
        }
        login(tenant, shopper.email(), "not the password").expect(401, "invalid_credentials");

        var limited = enter(tenant, shopper.email(), code).expect(429, "rate_limited");

        assertThat(limited.header("Retry-After")).isNotNull();
    }

    @Test
    void newRequestThenThePreviousCodeIsWithdrawn() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        String first = mailedCode(tenant, shopper.email(), 1);
        String second = mailedCode(tenant, shopper.email(), 2);

        enter(tenant, shopper.email(), first).expect(401, "invalid_credentials");
        enter(tenant, shopper.email(), second).expect(200);
    }

    @Test
    void requestWithinEmailIntervalThenNoMailAndTheEarlierCodeStays() {
        var tenant = shop(Map.of("email_interval", 300));
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());

        request(tenant, Map.of("email", shopper.email())).expect(202);
        request(tenant, Map.of("email", shopper.email().toUpperCase())).expect(202);

        assertThat(queuedTo(shopper.email())).isEqualTo(1);
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "login.code_sent").get(0).path("data")
                .path("throttled").asBoolean()).isTrue();
        enter(tenant, shopper.email(), code).expect(200);
        server.clock.advance(Duration.ofSeconds(301));
        String next = mailedCode(tenant, shopper.email(), 2);
        enter(tenant, shopper.email(), next).expect(200);
    }

    @Test
    void wrongCodesThenTheAccountLocksAndNeitherCodeNorPasswordLogsIn() {
        var tenant = shop(Map.of("lockout_threshold", 3, "email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        login(tenant, shopper.email(), "not the password").expect(401, "invalid_credentials");
        String code = mailedCode(tenant, shopper.email());

        enter(tenant, shopper.email(), wrong(code)).expect(401, "invalid_credentials");
        enter(tenant, shopper.email(), wrong(code)).expect(401, "invalid_credentials");

        assertThat(lockout(tenant, shopper.customerId()).path("locked").asBoolean()).isTrue();
        enter(tenant, shopper.email(), code).expect(401, "invalid_credentials");
        login(tenant, shopper.email(), Fixtures.PASSWORD).expect(401, "invalid_credentials");
        JsonNode last = AuditEvents.of(api, tenant, shopper.customerId(), "login.failed").get(1);
        assertThat(last.path("data").path("reason").asText()).isEqualTo("locked");
        assertThat(last.path("data").path("method").asText()).isEqualTo("code");
    }

    @Test
    void accountLockedThenTheRightCodeIsRefusedUntilTheLockEnds() {
        var tenant = shop(Map.of("lockout_threshold", 2, "lockout_duration", 60, "email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email(), 1);
        login(tenant, shopper.email(), "not the password").expect(401);
        login(tenant, shopper.email(), "not the password either").expect(401);

        enter(tenant, shopper.email(), code).expect(401, "invalid_credentials");

        server.clock.advance(Duration.ofSeconds(61));
        // the right code was spent by its entry during the lock: the shopper asks for another
        enter(tenant, shopper.email(), mailedCode(tenant, shopper.email(), 2)).expect(200);
        assertThat(AuditEvents.of(api, tenant, shopper.customerId(), "login.failed").get(0).path("data")
                .path("reason").asText()).isEqualTo("locked");
    }

    @Test
    void passwordChangeResetOrEmailChangeThenOutstandingCodesAreWithdrawn() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        String beforeChange = mailedCode(tenant, shopper.email(), 1);
        changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", "a brand new "
                + "passphrase")).expect(204);
        enter(tenant, shopper.email(), beforeChange).expect(401, "invalid_credentials");

        String beforeReset = mailedCode(tenant, shopper.email(), 2);
        reset(tenant, resetToken(tenant, shopper.email()), "yet another passphrase").expect(200);
        enter(tenant, shopper.email(), beforeReset).expect(401, "invalid_credentials");

        var other = Fixtures.shopper(api, tenant);
        String beforeMove = mailedCode(tenant, other.email(), 1);
        String moved = Fixtures.uniqueEmail();
        moveTo(other, moved);
        enter(tenant, other.email(), beforeMove).expect(401, "invalid_credentials");
        enter(tenant, moved, beforeMove).expect(401, "invalid_credentials");
    }

    @Test
    void rightCodeWhenAccountMayNotLogInThenItsForbiddenCode() {
        var tenant = shop(Map.of("require_activation", true, "require_email_verification", true));
        String pending = Fixtures.uniqueEmail();
        String pendingId = register(tenant, pending, Map.of()).expect(201).body().path("customer").path("id").asText();
        enter(tenant, pending, mailedCode(tenant, pending)).expect(403, "account_pending_activation");
        assertThat(verified(tenant, pendingId)).as("a pending account may prove its address").isTrue();

        String held = Fixtures.uniqueEmail();
        String heldId = register(tenant, held, Map.of()).expect(201).body().path("customer").path("id").asText();
        api.patch("/v1/admin/customers/" + heldId).bearer(tenant.sk()).body(Map.of("status", "on_hold")).send()
                .expect(200);
        String code = mailedCode(tenant, held);
        enter(tenant, held, wrong(code)).expect(401, "invalid_credentials");
        enter(tenant, held, code).expect(403, "account_on_hold");
        assertThat(verified(tenant, heldId)).as("an account on hold keeps its address as it is").isFalse();
        assertThat(AuditEvents.of(api, tenant, heldId, "login.failed").get(0).path("data").path("reason").asText())
                .isEqualTo("account_on_hold");
    }

    @Test
    void rightCodeWhenTwoStepSignInThenSecondFactorAskedAndAccountStateToldOnlyAfterIt() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.verifiedShopper(api, tenant, Map.of());
        String secret = api.post("/v1/me/mfa/totp").as(shopper).body(Map.of("password", shopper.password())).send()
                .expect(200).str("secret");
        api.post("/v1/me/mfa/totp/confirm").as(shopper)
                .body(Map.of("code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);

        var challenge = enter(tenant, shopper.email(), mailedCode(tenant, shopper.email(), 1)).expect(200);
        assertThat(challenge.str("next_step")).isEqualTo("mfa");
        assertThat(challenge.body().has("access_token")).as("the code alone opens no session").isFalse();
        server.clock.advance(Duration.ofSeconds(30)); // the next step's code: the confirmed one is spent
        var session = api.post("/v1/auth/mfa").key(tenant.pk()).body(Map.of("mfa_token", challenge.str("mfa_token"),
                "code", TotpCodes.at(secret, server.clock.instant()))).send().expect(200);
        api.get("/v1/me").bearer(session.str("access_token")).key(tenant.pk()).send().expect(200);
        JsonNode login = AuditEvents.of(api, tenant, shopper.customerId(), "login.succeeded").get(0).path("data");
        assertThat(login.path("first_factor").asText()).isEqualTo("code");
        assertThat(login.path("mfa").asText()).isEqualTo("totp");

        api.patch("/v1/admin/customers/" + shopper.customerId()).bearer(tenant.sk())
                .body(Map.of("status", "on_hold")).send().expect(200);
        server.clock.advance(Duration.ofSeconds(61)); // past email_interval, and another step
        challenge = enter(tenant, shopper.email(), mailedCode(tenant, shopper.email(), 2)).expect(200);
        assertThat(challenge.str("next_step")).as("on hold, told after the second factor").isEqualTo("mfa");
        api.post("/v1/auth/mfa").key(tenant.pk()).body(Map.of("mfa_token", challenge.str("mfa_token"),
                "code", TotpCodes.at(secret, server.clock.instant()))).send().expect(403, "account_on_hold");
    }

    @Test
    void codeWhenFirstProofThenNoSecondFactorOfTheRegistrantStandsInTheOwnersWay() {
        var tenant = shop(Map.of());
        String victim = Fixtures.uniqueEmail();
        var squatter = squat(tenant, victim);
        api.post("/v1/me/mfa/totp").key(tenant.pk()).bearer(squatter.str("access_token"))
                .body(Map.of("password", SQUATTER_PASSWORD)).send().expect(403, "email_not_verified");

        var owner = enter(tenant, victim, mailedCode(tenant, victim)).expect(200);
        assertThat(owner.body().has("next_step")).as("the owner is asked for nobody's second factor").isFalse();
        assertThat(owner.str("access_token")).startsWith("cust_");
    }

    @Test
    void registrantOfAnUnprovenAddressCannotAddAPasskeyNorLinkAProviderAccount() {
        var tenant = shop(Map.of("webauthn_rp_id", "shop.example.com"));
        String victim = Fixtures.uniqueEmail();
        String token = squat(tenant, victim).str("access_token");
        api.post("/v1/me/passkeys/options").key(tenant.pk()).bearer(token).send().expect(403, "email_not_verified");
        // refused before any provider is looked at
        api.post("/v1/auth/oidc/no-such-provider/start").key(tenant.pk()).bearer(token)
                .body(Map.of("redirect_uri", SHOP + "/signed-in", "link", true)).send()
                .expect(403, "email_not_verified");

        var owner = enter(tenant, victim, mailedCode(tenant, victim)).expect(200);
        assertThat(owner.str("access_token")).startsWith("cust_");
        api.post("/v1/me/passkeys/options").key(tenant.pk()).bearer(owner.str("access_token")).send().expect(200);
    }

    @Test
    void loginCodesTurnedOffThenBothRoutesForbiddenUntilTurnedOn() {
        var tenant = shop(Map.of("login_codes", false));
        var shopper = Fixtures.shopper(api, tenant);

        request(tenant, Map.of("email", shopper.email())).expect(403, "login_codes_disabled");
        enter(tenant, shopper.email(), "123456").expect(403, "login_codes_disabled");
        assertThat(queuedTo(shopper.email())).isZero();

        api.patch("/v1/admin/settings").bearer(tenant.sk()).body(Map.of("login_codes", true)).send().expect(200);
        enter(tenant, shopper.email(), mailedCode(tenant, shopper.email())).expect(200);
    }

    @Test
    void settingsThenDefaultsAndBoundsChecked() {
        var tenant = Fixtures.tenant(api);
        var settings = api.get("/v1/admin/settings").bearer(tenant.sk()).send().expect(200).body();
        assertThat(settings.path("login_codes").asBoolean()).isTrue();
        assertThat(settings.path("login_code_ttl").asInt()).isEqualTo(600);

        for (Object bad : new Object[]{59, 3601, "600", 600.5}) {
            Problems.assertInvalidField(api.patch("/v1/admin/settings").bearer(tenant.sk())
                    .body(Map.of("login_code_ttl", bad)).send(), "login_code_ttl");
        }
        Problems.assertInvalid(api.patch("/v1/admin/settings").bearer(tenant.sk())
                .body(Map.of("login_codes", "no")).send(), "login_codes", "invalid_type");
        var changed = api.patch("/v1/admin/settings").bearer(tenant.sk())
                .body(Map.of("login_code_ttl", 3600, "login_codes", false)).send().expect(200).body();
        assertThat(changed.path("login_code_ttl").asInt()).isEqualTo(3600);
        assertThat(changed.path("login_codes").asBoolean()).isFalse();
    }

    @Test
    void codeOfAnotherTenantThenRefused() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        String email = Fixtures.uniqueEmail();
        register(tenant, email, Map.of()).expect(201);
        register(other, email, Map.of()).expect(201);
        String code = mailedCode(tenant, email);

        enter(other, email, code).expect(401, "invalid_credentials");
        enter(tenant, email, code).expect(200);
    }

    @Test
    void badInputThenRefusedBeforeAnyAccountIsLookedAt() {
        var tenant = shop(Map.of("lockout_threshold", 1));
        var shopper = Fixtures.shopper(api, tenant);
        for (String path : List.of("/v1/auth/login/code", "/v1/auth/login/code/verify")) {
            api.post(path).key(tenant.pk()).body("{\"email\":").send().expect(400, "malformed_json");
            api.post(path).key(tenant.pk()).body("[]").send().expect(400, "malformed_json");
            Problems.assertInvalid(api.post(path).key(tenant.pk()).body(Map.of()).send(), "email", "required");
            Problems.assertInvalid(api.post(path).key(tenant.pk()).body(Map.of("email", 42, "code", "123456")).send(),
                    "email", "invalid_type");
            api.post(path).body(Map.of("email", shopper.email())).send().expect(401, "invalid_api_key");
        }
        Problems.assertInvalid(request(tenant, Map.of("email", "not an email")), "email", "invalid");
        Problems.assertInvalid(request(tenant, Map.of("email", shopper.email(), "language", "not a language")),
                "language", "invalid");
        Problems.assertInvalid(request(tenant, Map.of("email", shopper.email(), "language", "x".repeat(36))),
                "language", "too_long");
        Map<Object, String> badCodes = new HashMap<>(Map.of("12345", "invalid", "1234567", "too_long",
                "12a456", "invalid", "12 456", "invalid", "١٢٣٤٥٦", "invalid", "x".repeat(10_000), "too_long"));
        badCodes.put(123456, "invalid_type");
        badCodes.forEach((code, error) -> Problems.assertInvalid(api.post("/v1/auth/login/code/verify")
                .key(tenant.pk()).body(Map.of("email", shopper.email(), "code", code)).send(), "code", error));
        Problems.assertInvalid(api.post("/v1/auth/login/code/verify").key(tenant.pk())
                .body(Map.of("email", shopper.email())).send(), "code", "required");
        Problems.assertInvalid(api.post("/v1/auth/login/code/verify").key(tenant.pk())
                .body(Map.of("email", shopper.email(), "code", "123456", "cart_id", "c".repeat(65))).send(),
                "cart_id", "too_long");

        assertThat(lockout(tenant, shopper.customerId()).path("failed_attempts").asInt()).isZero();
        assertThat(queuedTo(shopper.email())).isZero();
    }

    @Test
    void languageGivenThenTheMailIsInIt() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant, Map.of("preferred_language", "en"));

        request(tenant, Map.of("email", shopper.email(), "language", "de-AT")).expect(202);

        MimeMessage mail = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.subject(mail)).isEqualTo("Ihr Anmeldecode für Test Shop");
        assertThat(TestSmtp.text(mail)).contains("läuft in 10 Minuten ab");
        enter(tenant, shopper.email(), code(mail)).expect(200);
    }

    @Test
    void templateOverriddenThenTheMailUsesItWithTheCode() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        api.get("/v1/admin/mail-templates/login_code/de").bearer(tenant.sk()).send().expect(200);
        api.put("/v1/admin/mail-templates/login_code/en").bearer(tenant.sk()).body(Map.of("subject",
                "Sign in to {{shop_name}}", "text", "Your code:\n{{token}}\n", "html", "<p>{{token}}</p>")).send()
                .expect(200);
        Problems.assertInvalidField(api.put("/v1/admin/mail-templates/login_code/en").bearer(tenant.sk())
                .body(Map.of("subject", "Code {{token}}", "text", "{{token}}", "html", "<p>{{token}}</p>")).send(),
                "subject");

        request(tenant, Map.of("email", shopper.email())).expect(202);

        MimeMessage mail = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.subject(mail)).isEqualTo("Sign in to Test Shop");
        assertThat(TestSmtp.text(mail)).startsWith("Your code:\n");
        enter(tenant, shopper.email(), code(mail)).expect(200);
    }

    @Test
    void tenantSuspendedThenBothRoutesAnswerTenantSuspended() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String code = mailedCode(tenant, shopper.email());
        Fixtures.status(api, tenant.id(), "suspended");

        request(tenant, Map.of("email", shopper.email())).expect(403, "tenant_suspended");
        enter(tenant, shopper.email(), code).expect(403, "tenant_suspended");

        Fixtures.status(api, tenant.id(), "active");
        enter(tenant, shopper.email(), code).expect(200);
    }
}
