package dev.latchkey.dashboard;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives the dashboard in Debian's headless Chromium: a staff member finds a locked-out customer, resets the failures
 * and ends a stolen session; the effects are checked through the API. The Staff page asks for the owner's password
 * before it opens. An owner adds a sign-in provider from the navigation, and imports a CSV file. On a phone's screen,
 * the keyboard alone works, and two-step sign-in's set-up shows its QR code. An email's preview runs nothing
 * of its HTML. Screenshots go to
 * target/dashboard-screenshots.
 * Skipped when /usr/bin/chromium is not installed (CI installs it); Playwright never downloads a browser.
 */
class DashboardBrowserTest extends ApiTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private static Playwright playwright;
    private static Browser browser;

    @BeforeAll
    static void launch() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "SKIPPED: the dashboard browser test needs Debian's chromium at "
                + CHROMIUM + " (apt-get install -y chromium)");
        Files.createDirectories(SCREENSHOTS);
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(ARGS));
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Test
    void staffFindsLockedCustomerResetsFailuresAndRevokesSession() {
        var shop = StaffFixtures.shop(api, Map.of("lockout_threshold", 3));
        var shopper = Fixtures.shopper(api, shop.tenant());
        var stolen = Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password());
        for (int i = 0; i < 3; i++) {
            api.post("/v1/auth/login").key(shop.tenant().pk())
                    .body(Map.of("email", shopper.email(), "password", "wrong password " + i)).send().expect(401);
        }
        String lockoutPath = "/v1/admin/customers/" + shopper.customerId() + "/lockout";
        assertThat(api.get(lockoutPath).bearer(shop.tenant().sk()).send().expect(200).body().path("locked").asBoolean())
                .isTrue();

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            List<String> consoleErrors = consoleErrors(page);
            logIn(page, shop);
            shot(page, "01-customers");

            page.getByLabel("Email or name starts with").fill(shopper.email().substring(0, 14));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(shopper.email())).click();
            page.waitForURL("**/dashboard/customers/" + shopper.customerId());
            assertThat(page.locator("#lockout-state").textContent()).startsWith("locked until");
            assertThat(page.locator("#failed-attempts").textContent()).isEqualTo("3");
            shot(page, "02-customer-locked");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reset failures")).click();
            page.waitForURL("**?notice=unlocked");
            assertThat(page.locator("#lockout-state").textContent()).isEqualTo("not locked");
            assertThat(page.getByRole(AriaRole.STATUS).textContent()).contains("Failed logins were reset");
            shot(page, "03-customer-unlocked");

            page.locator("button[data-session='" + stolen.sessionId() + "']").click();
            page.waitForURL("**?notice=session_revoked");
            assertThat(page.locator("button[data-session='" + stolen.sessionId() + "']").count()).isZero();
            assertThat(page.locator("button[data-session='" + shopper.sessionId() + "']").count()).isEqualTo(1);
            shot(page, "04-session-revoked");

            // the Staff page asks for the password again first, then opens
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Staff").setExact(true)).click();
            page.waitForURL("**/dashboard/staff");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Confirm your password"))
                    .isVisible()).isTrue();
            shot(page, "09-confirm-password");
            confirmPassword(page, shop);
            // the answer is a redirect to the same address: wait for the page itself
            page.getByText(shop.ownerEmail() + " (you)").waitFor();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Confirm your password"))
                    .count()).isZero();
            shot(page, "10-staff-confirmed");
            assertThat(consoleErrors).as("console errors, CSP violations included").isEmpty();
        }

        var lockout = api.get(lockoutPath).bearer(shop.tenant().sk()).send().expect(200).body();
        assertThat(lockout.path("locked").asBoolean()).isFalse();
        assertThat(lockout.path("failed_attempts").asInt()).isZero();
        Tokens.assertRefused(api, shop.tenant(), stolen.accessToken());
        Tokens.introspect(api, shop.tenant(), shopper.accessToken()).expect(200);
        Fixtures.login(api, shop.tenant(), shopper.email(), shopper.password());
    }

    @Test
    void dashboardOnPhoneScreenIsUsableWithKeyboard() {
        var shop = StaffFixtures.shop(api);
        var shopper = Fixtures.shopper(api, shop.tenant());
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setIsMobile(true).setHasTouch(true))) {
            Page page = context.newPage();
            page.navigate(api.baseUrl() + "/dashboard/login");
            page.keyboard().press("Tab");
            assertThat(page.evaluate("() => document.activeElement.textContent")).isEqualTo("Skip to content");
            page.keyboard().press("Tab");
            assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("tenant_id");
            page.keyboard().type(shop.id());
            page.keyboard().press("Tab");
            page.keyboard().type(shop.ownerEmail());
            page.keyboard().press("Tab");
            page.keyboard().type(shop.ownerPassword());
            page.keyboard().press("Enter");
            page.waitForURL("**/dashboard/customers");
            shot(page, "05-phone-customers");
            page.navigate(api.baseUrl() + "/dashboard/customers/" + shopper.customerId());
            Object overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth");
            assertThat(overflow).as("page wider than the phone screen").isEqualTo(false);
            shot(page, "06-phone-customer");
            page.navigate(api.baseUrl() + "/dashboard/settings");
            confirmPassword(page, shop);
            page.getByLabel("Failed logins that lock an account").waitFor();
            shot(page, "07-phone-settings");
            page.getByLabel("Failed logins that lock an account").fill("0");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save settings")).click();
            assertThat(page.locator("#lockout_threshold-error").textContent()).contains("between 1 and 100.");
            assertThat(page.getByLabel("Failed logins that lock an account").getAttribute("aria-describedby"))
                    .isEqualTo("lockout_threshold-error");
            page.locator("#lockout_threshold").scrollIntoViewIfNeeded();
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("08-phone-settings-refused.png")));
        }
    }

    @Test
    void ownerAddsASignInProviderFromTheNavigation() {
        var shop = StaffFixtures.shop(api, Map.of("allowed_origins", List.of("https://shop.example")));
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            List<String> consoleErrors = consoleErrors(page);
            logIn(page, shop);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign-in providers")).click();
            page.waitForURL("**/dashboard/identity-providers");
            assertThat(page.locator("#allowed-origins").textContent()).isEqualTo("https://shop.example");
            page.getByLabel("Name on the sign-in button").fill("Kasa ID");
            page.getByLabel("Slug").fill("kasa");
            page.getByLabel("Issuer URL").fill("http://127.0.0.1:9/realms/shop");
            page.getByLabel("Client ID").fill("storefront");
            page.getByLabel("Client secret").fill("a-client-secret");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add provider")).click();
            page.waitForURL("**?notice=identity_provider_added");
            assertThat(page.getByRole(AriaRole.STATUS).textContent()).contains("The sign-in provider was added.");
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Kasa ID")).isVisible())
                    .isTrue();
            shot(page, "11-sign-in-providers");
            assertThat(consoleErrors).as("console errors, CSP violations included").isEmpty();
        }
        var stored = api.get("/v1/admin/identity-providers").bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).path("slug").asText()).isEqualTo("kasa");
        assertThat(stored.get(0).path("scopes")).hasSize(3);
    }

    /** A real browser's multipart upload of a file chosen in the form, followed on the import's self-reloading page. */
    @Test
    void ownerImportsACsvFromTheCustomersPageAndWatchesItEnd() {
        var shop = StaffFixtures.shop(api);
        String email = Fixtures.uniqueEmail();
        api.post("/v1/admin/customers").bearer(shop.tenant().sk()).body(Map.of("email", email, "first_name", "Old"))
                .send().expect(201);
        String added = Fixtures.uniqueEmail();
        byte[] csv = (DashboardImportsTest.SHOPIFY_HEADER + "\nNew,Name," + email + ",yes,,,,,,,,,,,,,,\n"
                + "Ada,Lovelace," + added + ",no,,,,,,,,,,,,,,vip\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            List<String> consoleErrors = consoleErrors(page);
            logIn(page, shop);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Import customers")).click();
            page.waitForURL("**/dashboard/imports");
            shot(page, "13-import-form");
            page.locator("#import-file").setInputFiles(new com.microsoft.playwright.options.FilePayload("customers.csv",
                    "text/csv", csv));
            page.getByLabel("Update: change").check();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Import customers")).click();
            page.waitForURL("**?notice=import_queued");
            // the page reloads itself until the import has ended
            page.locator(".status-succeeded").waitFor(new com.microsoft.playwright.Locator.WaitForOptions()
                    .setTimeout(30_000));
            assertThat(page.locator("dl.facts").textContent()).contains("2 of 2");
            shot(page, "14-import-ended");
            assertThat(consoleErrors).as("console errors, CSP violations included").isEmpty();
        }
        var found = api.get("/v1/admin/customers?query=" + email).bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data");
        assertThat(found.get(0).path("first_name").asText()).isEqualTo("New");
        assertThat(api.get("/v1/admin/customers?query=" + added).bearer(shop.tenant().sk()).send().expect(200).body()
                .path("data")).hasSize(1);
    }

    /**
     * An email's preview in a real browser: its HTML part is shown in its sandboxed frame, and neither its script nor
     * its event handler runs (the only console errors are the browser's refusals: the sandbox's of the script, the
     * Content-Security-Policy's of the inline styles).
     */
    @Test
    void ownerPreviewsAnEmailAndNothingInItsHtmlRuns() {
        var shop = StaffFixtures.shop(api, Map.of("allowed_origins", List.of("https://shop.example")));
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            List<String> consoleErrors = consoleErrors(page);
            logIn(page, shop);
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Notifications")).click();
            page.waitForURL("**/dashboard/mail-templates");
            shot(page, "15-notifications");
            page.locator("tr[data-template=verify_email] td[data-language=en] a").click();
            page.waitForURL("**/dashboard/mail-templates/verify_email/en");
            // the email's form asks for the password first, then leads back to it
            shot(page, "18-mail-template-confirm");
            confirmPassword(page, shop);
            page.getByLabel("HTML part").fill("<p id=\"greeting\" style=\"color:red\">Hi {{first_name}}</p>"
                    + "<a href=\"{{link}}\">Confirm</a>"
                    + "<script>document.body.setAttribute('data-ran', 'script')</script>"
                    + "<svg onload=\"document.body.setAttribute('data-ran', 'handler')\"></svg>");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Preview")).click();
            page.waitForURL("**/dashboard/mail-templates/verify_email/en/preview");
            var frame = page.frameLocator("#preview-html");
            assertThat(frame.locator("#greeting").textContent()).isEqualTo("Hi Ada");
            assertThat(frame.locator("#greeting").isVisible()).isTrue();
            assertThat(frame.locator("body").getAttribute("data-ran")).isNull();
            assertThat(page.locator("body").getAttribute("data-ran")).isNull();
            shot(page, "16-mail-template-preview");
            // a full-page screenshot leaves frames blank: the frame's own shows what the preview looks like
            page.locator("#preview-html").screenshot(new com.microsoft.playwright.Locator.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("17-mail-template-preview-html.png")));
            // the script and the handler met the frame's sandbox, not only the page's policy behind it; the policy
            // refuses the inline styles
            assertThat(consoleErrors).as("console errors other than the browser's refusals")
                    .allMatch(error -> error.contains("frame is sandboxed") || error.contains("'style-src 'self''"))
                    .anyMatch(error -> error.contains("frame is sandboxed"));
        }
        assertThat(api.get("/v1/admin/mail-templates/verify_email/en").bearer(shop.tenant().sk()).send().expect(200)
                .body().path("overridden").asBoolean()).isFalse();
    }

    /**
     * The set-up's QR code under the dashboard's Content-Security-Policy (no console error) on a phone's screen: shown,
     * named for screen readers, within the screen, the secret below it.
     */
    @Test
    void twoStepSetUpOnPhoneScreenShowsTheQrCodeAboveTheSecret() {
        var shop = StaffFixtures.shop(api);
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setIsMobile(true).setHasTouch(true))) {
            Page page = context.newPage();
            List<String> consoleErrors = consoleErrors(page);
            logIn(page, shop);
            page.navigate(api.baseUrl() + "/dashboard/security");
            confirmPassword(page, shop);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up an authenticator app")).click();
            var qr = page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions()
                    .setName("QR code that adds Staffed Shop dashboard:" + shop.ownerEmail() + " to an authenticator app"));
            qr.waitFor();
            var box = qr.boundingBox();
            assertThat(box.width).isEqualTo(box.height).isBetween(150.0, 256.0);
            assertThat(box.y + box.height).isLessThan(page.locator("#totp-secret").boundingBox().y);
            Object overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth");
            assertThat(overflow).as("page wider than the phone screen").isEqualTo(false);
            shot(page, "12-phone-two-step-set-up");
            assertThat(consoleErrors).as("console errors, CSP violations included").isEmpty();
        }
    }

    /** The page's console errors from now on; a Content-Security-Policy violation is one. */
    private static List<String> consoleErrors(Page page) {
        List<String> errors = new ArrayList<>();
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                errors.add(message.text());
            }
        });
        return errors;
    }

    private void logIn(Page page, StaffFixtures.Shop shop) {
        page.navigate(api.baseUrl() + "/dashboard/login");
        page.getByLabel("Shop ID").fill(shop.id());
        page.getByLabel("Email").fill(shop.ownerEmail());
        page.getByLabel("Password").fill(shop.ownerPassword());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.waitForURL("**/dashboard/customers");
    }

    /** Gives the owner's password on the form a confirmed page shows in its place. */
    private static void confirmPassword(Page page, StaffFixtures.Shop shop) {
        page.getByLabel("Your password", new Page.GetByLabelOptions().setExact(true)).fill(shop.ownerPassword());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm").setExact(true)).click();
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
