package dev.latchkey.credential;

import dev.latchkey.cluster.Invalidation;
import dev.latchkey.db.Database;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.AuditEvents;
import dev.latchkey.testing.Concurrently;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.MailTest;
import dev.latchkey.testing.Publications;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.TestSmtp;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static dev.latchkey.testing.Problems.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

class CredentialChangeTest extends MailTest {
    private static final String NEW_PASSWORD = "a brand new passphrase";

    private static Map<String, Object> emailChange(String newEmail, String password) {
        return new HashMap<>(Map.of("new_email", newEmail, "password", password));
    }

    @Test
    void changePasswordThenOtherSessionsRevokedCurrentKeptAndNoticeSent() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var otherDevice = Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD))
                .expect(204);
        api.get("/v1/me").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        api.get("/v1/me").key(tenant.pk()).bearer(otherDevice.accessToken()).send().expect(401, "invalid_token");
        Fixtures.login(api, tenant, shopper.email(), NEW_PASSWORD);
        MimeMessage notice = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.subject(notice)).isEqualTo("Your Test Shop password was changed");
        assertThat(TestSmtp.text(notice)).doesNotContain("token=").doesNotContain(NEW_PASSWORD);
    }

    /**
     * The change of the customer's row, which the new hash is, has every node forget the customer's cached tokens (the
     * ended sessions' and the kept one's) along with their profile: one invalidation, whether or not a session ended.
     */
    @Test
    void changePasswordThenTheCustomerIsPublishedOnceWhetherOrNotASessionEnded() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var phone = Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        api.get("/v1/me").as(phone).send().expect(200);
        api.get("/v1/me").as(shopper).send().expect(200);
        List<Invalidation> published = Publications.of(server, tenant.id());
        var customer = new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(), shopper.customerId());

        changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD))
                .expect(204);

        assertThat(published).containsExactly(customer);
        api.get("/v1/me").as(phone).send().expect(401, "invalid_token");
        api.get("/v1/me").as(shopper).send().expect(200);
        published.clear();
        changePassword(shopper, Map.of("current_password", NEW_PASSWORD, "new_password", "yet another passphrase"))
                .expect(204);
        assertThat(published).as("no other session left to end").containsExactly(customer);
        api.get("/v1/me").as(shopper).send().expect(200);
    }

    @Test
    void changePasswordWhenTheNewOneIsTheCurrentOneThenUnchangedAndNoSessionEndsOrMailGoes() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var phone = Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        // the same password as hashing sees it: NFKC makes the full-width letters plain ones
        String fullWidth = Fixtures.PASSWORD.chars()
                .mapToObj(c -> Character.toString(c >= 'a' && c <= 'z' ? c - 'a' + 0xFF41 : c))
                .collect(Collectors.joining());

        for (String same : List.of(Fixtures.PASSWORD, fullWidth)) {
            assertInvalid(changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", same)),
                    "new_password", "unchanged");
        }
        changePassword(shopper, Map.of("current_password", "wrong password!", "new_password", "wrong password!"))
                .expect(403, "invalid_credentials");

        api.get("/v1/me").as(phone).send().expect(200);
        assertThat(queuedTo(shopper.email())).isZero();
        assertThat(AuditEvents.types(api, tenant, shopper.customerId())).doesNotContain("password.changed");
    }

    @Test
    void changePasswordWhenCurrentWrongThenInvalidCredentialsAndNothingChanges() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        changePassword(shopper, Map.of("current_password", "wrong password!", "new_password", NEW_PASSWORD))
                .expect(403, "invalid_credentials");
        Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        assertThat(queuedTo(shopper.email())).isZero();
    }

    @Test
    void changePasswordWhenChangedTwiceAtOnceThenOnlyOneChangeLands() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        List<String> candidates = List.of("first new passphrase", "second new passphrase", "third new passphrase",
                "fourth new passphrase");

        List<Api.Res> answers = Concurrently.all(candidates.stream().<Callable<Api.Res>>map(candidate ->
                () -> changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", candidate)))
                .toList());

        assertThat(answers).filteredOn(res -> res.status() == 204).hasSize(1);
        assertThat(answers).filteredOn(res -> res.status() != 204)
                .allSatisfy(res -> res.expect(403, "invalid_credentials"));
        String landed = candidates.get(answers.indexOf(
                answers.stream().filter(res -> res.status() == 204).findFirst().orElseThrow()));
        Fixtures.login(api, tenant, shopper.email(), landed);
        for (String refused : candidates) {
            if (!refused.equals(landed)) {
                api.post("/v1/auth/login").key(tenant.pk())
                        .body(Map.of("email", shopper.email(), "password", refused)).send()
                        .expect(401, "invalid_credentials");
            }
        }
    }

    @Test
    void changePasswordWhenBadInputThenRefused() {
        var tenant = Fixtures.tenant(api, Map.of("password_min_length", 12));
        var shopper = Fixtures.shopper(api, tenant);
        changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", "too short"))
                .expect(422, "validation_failed");
        changePassword(shopper, Map.of("new_password", NEW_PASSWORD)).expect(422, "validation_failed");
        changePassword(shopper, Map.of("current_password", 1, "new_password", NEW_PASSWORD))
                .expect(422, "validation_failed");
        api.post("/v1/me/password").key(tenant.pk()).bearer(shopper.accessToken()).body("{]").send()
                .expect(400, "malformed_json");
        api.post("/v1/me/password").key(tenant.pk()).body(Map.of()).send().expect(401, "invalid_token");
        var guest = api.post("/v1/anonymous").key(tenant.pk()).send().expect(201);
        api.post("/v1/me/password").key(tenant.pk()).bearer(guest.str("access_token"))
                .body(Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD)).send()
                .expect(403, "insufficient_scope");
        var other = Fixtures.tenant(api);
        api.post("/v1/me/password").key(other.pk()).bearer(shopper.accessToken())
                .body(Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD)).send()
                .expect(401, "invalid_token");
    }

    @Test
    void changeEmailThenConfirmMovesAccountToVerifiedNewAddress() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant, Map.of("first_name", "Grace"));
        String newEmail = Fixtures.uniqueEmail();
        var body = emailChange(newEmail.toUpperCase(), Fixtures.PASSWORD);
        body.put("confirmation_url", SHOP + "/email/confirm");
        var accepted = changeEmail(shopper, body).expect(202);
        assertThat(accepted.str("message")).isNotBlank();

        MimeMessage confirmation = smtp.awaitOne(newEmail);
        String token = TestSmtp.token(confirmation);
        // the new address is not proven yet: the shopper's name stays out of mail to it
        assertThat(TestSmtp.text(confirmation)).contains(SHOP + "/email/confirm?token=" + token)
                .doesNotContain("Grace");
        MimeMessage notice = smtp.awaitOne(shopper.email());
        assertThat(TestSmtp.text(notice)).contains(newEmail).doesNotContain(token).doesNotContain("token=")
                .contains("once it is confirmed from the new address");
        assertThat(TestSmtp.subject(notice)).isEqualTo("Your Test Shop email address is being changed");

        // Until confirmed, the account keeps its address.
        Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        var introspected = api.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        assertThat(introspected.str("email")).isEqualTo(shopper.email());

        List<Invalidation> published = Publications.of(server, tenant.id());
        var confirmed = confirmEmail(tenant, token).expect(200);
        // the move of the row has every node read the customer's tokens, which carry the address, again: once
        assertThat(published).containsExactly(new Invalidation(Invalidation.Kind.CUSTOMER, tenant.id(),
                shopper.customerId()));
        assertThat(confirmed.body().path("customer").path("email").asText()).isEqualTo(newEmail);
        assertThat(confirmed.body().path("customer").path("email_verified").asBoolean()).isTrue();
        introspected = api.get("/v1/auth/token").key(tenant.pk()).bearer(shopper.accessToken()).send().expect(200);
        assertThat(introspected.str("email")).isEqualTo(newEmail);
        Fixtures.login(api, tenant, newEmail, Fixtures.PASSWORD);
        api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", shopper.email(), "password", Fixtures.PASSWORD))
                .send().expect(401, "invalid_credentials");
        confirmEmail(tenant, token).expect(400, "token_used");
    }

    @Test
    void confirmEmailWhenPasswordChangedOrResetSinceThenTheChangeIsWithdrawn() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var intruder = Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
        String intrudersAddress = Fixtures.uniqueEmail();
        changeEmail(intruder, emailChange(intrudersAddress, Fixtures.PASSWORD)).expect(202);
        String beforeChange = TestSmtp.token(smtp.awaitOne(intrudersAddress));
        changePassword(shopper, Map.of("current_password", Fixtures.PASSWORD, "new_password", NEW_PASSWORD))
                .expect(204);
        confirmEmail(tenant, beforeChange).expect(400, "invalid_token");

        var second = Fixtures.login(api, tenant, shopper.email(), NEW_PASSWORD);
        changeEmail(second, emailChange(intrudersAddress, NEW_PASSWORD)).expect(202);
        String beforeReset = TestSmtp.token(smtp.await(intrudersAddress, 2).get(1));
        reset(tenant, resetToken(tenant, shopper.email()), "the owner's own passphrase").expect(200);
        confirmEmail(tenant, beforeReset).expect(400, "invalid_token");
        Fixtures.login(api, tenant, shopper.email(), "the owner's own passphrase");
    }

    /**
     * A password change locks the account, then withdraws its email-change token; the confirmation of that change, sent
     * meanwhile, must wait for the account first (not hold the token and wait for the account: a deadlock, 500) and
     * then find the token withdrawn.
     */
    @Test
    void confirmEmailWhileThePasswordChangesThenItWaitsAndFindsTheChangeWithdrawn() throws Exception {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        String asked = Fixtures.uniqueEmail();
        changeEmail(shopper, emailChange(asked, Fixtures.PASSWORD)).expect(202);
        String token = TestSmtp.token(smtp.awaitOne(asked));
        Database db = server.app.database();
        try (var pool = Executors.newSingleThreadExecutor()) {
            Future<Api.Res> confirm = db.tx(h -> {
                h.createQuery("SELECT id FROM customers WHERE tenant_id = :t AND id = :c FOR UPDATE")
                        .bind("t", tenant.id()).bind("c", shopper.customerId()).mapTo(String.class).one();
                Future<Api.Res> sent = pool.submit(() -> confirmEmail(tenant, token));
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // the confirmation is waiting by now
                h.createUpdate("UPDATE email_tokens SET voided_at = CURRENT_TIMESTAMP WHERE tenant_id = :t "
                                + "AND customer_id = :c AND purpose = 'email_change' AND used_at IS NULL")
                        .bind("t", tenant.id()).bind("c", shopper.customerId()).execute();
                return sent;
            });
            confirm.get().expect(400, "invalid_token");
        }
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).str("email")).isEqualTo(shopper.email());
    }

    /**
     * An email change checks the password before it takes the account's lock; a password change (or reset) that lands
     * in between withdraws every email change asked for with the old password, and this one must not slip past it.
     */
    @Test
    void changeEmailWhileThePasswordChangesThenRefusedAndNoTokenSent() throws Exception {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        var other = Fixtures.shopper(api, tenant);
        String asked = Fixtures.uniqueEmail();
        Database db = server.app.database();
        try (var pool = Executors.newSingleThreadExecutor()) {
            Future<Api.Res> change = db.tx(h -> {
                h.createQuery("SELECT id FROM customers WHERE tenant_id = :t AND id = :c FOR UPDATE")
                        .bind("t", tenant.id()).bind("c", shopper.customerId()).mapTo(String.class).one();
                Future<Api.Res> sent = pool.submit(() -> changeEmail(shopper, emailChange(asked, Fixtures.PASSWORD)));
                LockSupport.parkNanos(Duration.ofMillis(1500).toNanos()); // password checked, waiting for the lock
                // what a password change writes meanwhile: another hash
                h.createUpdate("UPDATE customers SET password_hash = (SELECT password_hash FROM customers "
                                + "WHERE tenant_id = :t AND id = :o) WHERE tenant_id = :t AND id = :c")
                        .bind("t", tenant.id()).bind("o", other.customerId()).bind("c", shopper.customerId())
                        .execute();
                return sent;
            });
            change.get().expect(403, "invalid_credentials");
        }
        assertThat(queuedTo(asked)).isZero();
    }

    @Test
    void confirmEmailWhenShopHeldTheAccountOrSetAnotherAddressThenRefused() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        String asked = Fixtures.uniqueEmail();
        changeEmail(shopper, emailChange(asked, Fixtures.PASSWORD)).expect(202);
        String token = TestSmtp.token(smtp.awaitOne(asked));
        String admin = "/v1/admin/customers/" + shopper.customerId();
        api.patch(admin).bearer(tenant.sk()).body(Map.of("status", "on_hold")).send().expect(200);
        confirmEmail(tenant, token).expect(403, "account_on_hold");
        api.patch(admin).bearer(tenant.sk()).body(Map.of("status", "active")).send().expect(200);
        var moved = confirmEmail(tenant, token).expect(200);
        assertThat(moved.body().path("customer").path("email").asText()).isEqualTo(asked);

        var again = Fixtures.login(api, tenant, asked, Fixtures.PASSWORD);
        String askedAgain = Fixtures.uniqueEmail();
        changeEmail(again, emailChange(askedAgain, Fixtures.PASSWORD)).expect(202);
        String pending = TestSmtp.token(smtp.awaitOne(askedAgain));
        String shopsChoice = Fixtures.uniqueEmail();
        api.patch(admin).bearer(tenant.sk()).body(Map.of("email", shopsChoice)).send().expect(200);
        confirmEmail(tenant, pending).expect(400, "invalid_token");
        assertThat(api.get(admin).bearer(tenant.sk()).send().expect(200).str("email")).isEqualTo(shopsChoice);
    }

    @Test
    void changeEmailWhenSeveralAccountsAskForOneAddressThenItGetsOneMailPerInterval() {
        var tenant = shop(Map.of("email_interval", 300));
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        String target = Fixtures.uniqueEmail();

        changeEmail(first, emailChange(target, Fixtures.PASSWORD)).expect(202);
        changeEmail(second, emailChange(target, Fixtures.PASSWORD)).expect(202);

        assertThat(queuedTo(target)).isEqualTo(1);
        server.clock.advance(Duration.ofSeconds(301));
        changeEmail(second, emailChange(target, Fixtures.PASSWORD)).expect(202);
        assertThat(queuedTo(target)).isEqualTo(2);
    }

    /**
     * Two accounts ask for one address at the same moment: both are held at their sessions' rows, the step before the
     * throttle is read, and let go together. The account's row lock keeps each account's own requests in turn but not
     * the other account's; the address gets one confirmation mail all the same, and both are answered alike.
     */
    @Test
    void changeEmailWhenTwoAccountsAskForOneAddressAtOnceThenItGetsOneMail() throws Exception {
        var tenant = shop(Map.of("email_interval", 300));
        var first = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        String target = Fixtures.uniqueEmail();
        var sessions = new RowLocks.Sql("SELECT id FROM sessions WHERE tenant_id = ? AND id IN (?, ?) FOR UPDATE",
                tenant.id(), first.sessionId(), second.sessionId());

        List<Api.Res> answers = RowLocks.commitWhileWaiting(server, sessions, 2, () -> Concurrently.all(List.of(
                () -> changeEmail(first, emailChange(target, Fixtures.PASSWORD)),
                () -> changeEmail(second, emailChange(target, Fixtures.PASSWORD)))));

        assertThat(answers).extracting(Api.Res::status).containsExactly(202, 202);
        assertThat(queuedTo(target)).isEqualTo(1);
        TestSmtp.token(smtp.awaitOne(target));
    }

    @Test
    void changeEmailWhenAddressTakenThenConflict() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        var other = Fixtures.shopper(api, tenant);
        changeEmail(shopper, emailChange(other.email(), Fixtures.PASSWORD)).expect(409, "email_taken");
        changeEmail(shopper, emailChange(shopper.email(), Fixtures.PASSWORD)).expect(422, "validation_failed");
        assertThat(queuedTo(other.email()) + queuedTo(shopper.email())).isZero();
    }

    /** Asks to move the shopper to {@code newEmail} and returns the token mailed there. */
    private static String changeToken(Fixtures.Shopper shopper, String newEmail) {
        changeEmail(shopper, emailChange(newEmail, Fixtures.PASSWORD)).expect(202);
        return TestSmtp.token(smtp.awaitOne(newEmail));
    }

    @Test
    void confirmWhenAddressTakenMeanwhileThenConflictAndTokenStaysUsable() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();
        String token = changeToken(shopper, newEmail);
        var squatter = api.post("/v1/customers").key(tenant.pk())
                .body(Map.of("email", newEmail, "password", Fixtures.PASSWORD)).send().expect(201);
        confirmEmail(tenant, token).expect(409, "email_taken");
        assertThat(squatter.body().path("customer").path("email").asText()).isEqualTo(newEmail);
    }

    /**
     * The address was taken meanwhile by an account that is being changed right now, in a transaction that then asks
     * for this shopper's row: the confirmation is refused at once (409), instead of waiting for that change with the
     * shopper's row held, a deadlock that PostgreSQL breaks by failing one of the two (a 500).
     */
    @Test
    void confirmWhenAddressTakenByAnAccountBeingChangedThenConflictWithoutWaiting() throws Exception {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();
        String token = changeToken(shopper, newEmail);
        String holder = api.post("/v1/admin/customers").bearer(tenant.sk())
                .body(Map.of("email", newEmail, "password", Fixtures.PASSWORD)).send().expect(201).str("id");
        String rename = "UPDATE customers SET first_name = :name WHERE tenant_id = :t AND id = :c";

        try (var pool = Executors.newSingleThreadExecutor()) {
            Future<Api.Res> confirm = server.app.database().tx(h -> {
                h.createUpdate(rename).bind("name", "Bo").bind("t", tenant.id()).bind("c", holder).execute();
                Future<Api.Res> sent = pool.submit(() -> confirmEmail(tenant, token));
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // the confirmation holds the shopper's row
                h.createUpdate(rename).bind("name", "Ann").bind("t", tenant.id()).bind("c", shopper.customerId())
                        .execute();
                return sent;
            });
            confirm.get().expect(409, "email_taken");
        }
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).str("email")).isEqualTo(shopper.email());
    }

    @Test
    void changeEmailWhenPasswordWrongOrRedirectForeignThenRefusedWithoutMail() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();
        changeEmail(shopper, emailChange(newEmail, "not my password")).expect(403, "invalid_credentials");
        var body = emailChange(newEmail, Fixtures.PASSWORD);
        body.put("confirmation_url", "https://evil.example.net/confirm");
        changeEmail(shopper, body).expect(422, "redirect_not_allowed");
        // the URL is looked at before anything else, the new address's form and the password included
        changeEmail(shopper, Map.of("new_email", "nope", "confirmation_url", "https://evil.example.net/confirm"))
                .expect(422, "redirect_not_allowed");
        changeEmail(shopper, Map.of("new_email", "nope", "password", Fixtures.PASSWORD)).expect(422, "validation_failed");
        changeEmail(shopper, Map.of("new_email", newEmail)).expect(422, "validation_failed");
        assertThat(queuedTo(newEmail)).isZero();
    }

    @Test
    void changeEmailTwiceThenOnlyLatestTokenConfirms() {
        var tenant = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String first = Fixtures.uniqueEmail();
        String second = Fixtures.uniqueEmail();
        changeEmail(shopper, emailChange(first, Fixtures.PASSWORD)).expect(202);
        changeEmail(shopper, emailChange(second, Fixtures.PASSWORD)).expect(202);
        String stale = TestSmtp.token(smtp.awaitOne(first));
        String fresh = TestSmtp.token(smtp.awaitOne(second));
        confirmEmail(tenant, stale).expect(400, "invalid_token");
        var confirmed = confirmEmail(tenant, fresh).expect(200);
        assertThat(confirmed.body().path("customer").path("email").asText()).isEqualTo(second);
    }

    /** A request sent twice (a double click) sends one mail, and its link still works. */
    @Test
    void changeEmailTwiceToOneAddressWithinTheIntervalThenTheMailedLinkStillWorks() {
        var tenant = shop(Map.of("email_interval", 300));
        var shopper = Fixtures.shopper(api, tenant);
        String target = Fixtures.uniqueEmail();
        String mailed = changeToken(shopper, target);

        changeEmail(shopper, emailChange(target, Fixtures.PASSWORD)).expect(202);

        assertThat(queuedTo(target)).as("held back by the throttle").isEqualTo(1);
        var confirmed = confirmEmail(tenant, mailed).expect(200);
        assertThat(confirmed.body().path("customer").path("email").asText()).isEqualTo(target);
    }

    /** x, then y, then x again within the interval: the link mailed to x works again, the one to y no longer. */
    @Test
    void changeEmailBackToAnAddressWhoseMailTheThrottleHoldsBackThenItsMailedLinkWorksAgain() {
        var tenant = shop(Map.of("email_interval", 300));
        var shopper = Fixtures.shopper(api, tenant);
        String first = Fixtures.uniqueEmail();
        String second = Fixtures.uniqueEmail();
        String toFirst = changeToken(shopper, first);
        String toSecond = changeToken(shopper, second);

        changeEmail(shopper, emailChange(first, Fixtures.PASSWORD)).expect(202);

        assertThat(queuedTo(first)).as("held back by the throttle").isEqualTo(1);
        confirmEmail(tenant, toSecond).expect(400, "invalid_token");
        var confirmed = confirmEmail(tenant, toFirst).expect(200);
        assertThat(confirmed.body().path("customer").path("email").asText()).isEqualTo(first);
    }

    @Test
    void changeEmailBackToAnAddressWhoseLinkExpiredThenNothingIsRevived() {
        var tenant = shop(Map.of("email_interval", 86_400, "verification_ttl", 3600));
        var shopper = Fixtures.shopper(api, tenant);
        String first = Fixtures.uniqueEmail();
        String toFirst = changeToken(shopper, first);
        String toSecond = changeToken(shopper, Fixtures.uniqueEmail());
        server.clock.advance(Duration.ofHours(1));

        changeEmail(shopper, emailChange(first, Fixtures.PASSWORD)).expect(202);

        assertThat(confirmEmail(tenant, toFirst).expect(400, "invalid_token").str("detail")).contains("withdrawn");
        assertThat(confirmEmail(tenant, toSecond).expect(400, "invalid_token").str("detail")).contains("withdrawn");
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).str("email")).isEqualTo(shopper.email());
    }

    @Test
    void confirmEmailThenTokensMailedToTheOldAddressStayDeadAfterMovingBack() {
        var tenant = shop(Map.of("email_interval", 0));
        var shopper = Fixtures.shopper(api, tenant);
        String reset = resetToken(tenant, shopper.email());
        String elsewhere = Fixtures.uniqueEmail();

        confirmEmail(tenant, changeToken(shopper, elsewhere)).expect(200);
        reset(tenant, reset, NEW_PASSWORD).expect(400, "invalid_token");
        changeEmail(shopper, emailChange(shopper.email(), Fixtures.PASSWORD)).expect(202);
        confirmEmail(tenant, smtp.awaitNewToken(shopper.email(), "Confirm your new email address")).expect(200);

        reset(tenant, reset, NEW_PASSWORD).expect(400, "invalid_token");
        Fixtures.login(api, tenant, shopper.email(), Fixtures.PASSWORD);
    }

    @Test
    void confirmWhenTokenOfOtherTenantOrPurposeThenInvalidToken() {
        var tenant = shop(Map.of());
        var other = shop(Map.of());
        var shopper = Fixtures.shopper(api, tenant);
        String newEmail = Fixtures.uniqueEmail();
        String token = changeToken(shopper, newEmail);
        confirmEmail(other, token).expect(400, "invalid_token");
        api.post("/v1/auth/verify-email").key(tenant.pk()).body(Map.of("token", token)).send()
                .expect(400, "invalid_token");
        confirmEmail(tenant, token).expect(200);
    }

    @Test
    void confirmWhenBadInputThenRefused() {
        var tenant = shop(Map.of());
        api.post("/v1/auth/email/confirm").key(tenant.pk()).body("{{").send().expect(400, "malformed_json");
        api.post("/v1/auth/email/confirm").key(tenant.pk()).body(Map.of()).send().expect(422, "validation_failed");
        api.post("/v1/auth/email/confirm").key(tenant.pk()).body(Map.of("token", true)).send()
                .expect(422, "validation_failed");
        confirmEmail(tenant, "et_" + "A".repeat(43)).expect(400, "invalid_token");
        api.post("/v1/auth/email/confirm").body(Map.of("token", "et_x")).send().expect(401, "invalid_api_key");
    }
}
