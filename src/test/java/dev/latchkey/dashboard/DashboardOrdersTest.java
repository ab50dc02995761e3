package dev.latchkey.dashboard;

import dev.latchkey.order.OrderCalls;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.StaffFixtures;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardOrdersTest extends ApiTest {
    private static final Pattern ROW = Pattern.compile("<th scope=\"row\"><a href=\"/dashboard/orders/([^\"]+)\">");
    private static final Pattern NEXT = Pattern.compile("href=\"(/dashboard/orders\\?[^\"]+)\" rel=\"next\"");
    private static final Instant JANUARY = Instant.parse("2026-01-01T10:00:00Z");

    private final StaffFixtures.Shop shop = StaffFixtures.shop(api);
    private final OrderCalls orders = new OrderCalls(api, shop.tenant());

    private DashboardClient loggedIn(String email) {
        return StaffTwoStep.loggedIn(api.baseUrl(), shop.id(), email, Fixtures.PASSWORD);
    }

    private DashboardClient owner() {
        return loggedIn(shop.ownerEmail());
    }

    /** Records an order of this body with its status, time and owner changed (when not null); returns its number. */
    private String placed(Map<String, Object> body, String status, Instant placedAt, String customerId) {
        body.put("status", status);
        body.put("placed_at", placedAt.toString());
        if (customerId != null) {
            body.put("customer_id", customerId);
        }
        orders.create(body).expect(201);
        return (String) body.get("number");
    }

    private String placed(String email, String status, Instant placedAt, String customerId) {
        return placed(OrderCalls.body(OrderCalls.number(), email), status, placedAt, customerId);
    }

    /** The order numbers a list page shows, top to bottom. */
    private static List<String> numbers(DashboardClient.Page page) {
        List<String> found = new ArrayList<>();
        Matcher m = ROW.matcher(page.html());
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static String nextUrl(DashboardClient.Page page) {
        Matcher m = NEXT.matcher(page.html());
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Records an order of the customer in this status, currency and total; returns its number. */
    private String spent(String customerId, String status, String currency, String total, Instant placedAt) {
        Map<String, Object> body = OrderCalls.body(OrderCalls.number(), Fixtures.uniqueEmail());
        body.put("currency", currency);
        body.put("total", total);
        return placed(body, status, placedAt, customerId);
    }

    /** The row of the customer list that links to this customer. */
    private static String rowOf(DashboardClient.Page list, String customerId) {
        Matcher row = Pattern.compile("<tr>\\s*<th scope=\"row\"><a href=\"/dashboard/customers/" + customerId
                + "\">.*?</tr>", Pattern.DOTALL).matcher(list.html());
        assertThat(row.find()).as("a row of %s", customerId).isTrue();
        return row.group();
    }

    @Test
    void supportWhenCustomersHaveOrdersThenTheListAndTheCustomerPageShowTheirCountAndAmountSpent() {
        var buyer = Fixtures.shopper(api, shop.tenant());
        var browser = Fixtures.shopper(api, shop.tenant());
        spent(buyer.customerId(), "paid", "EUR", "19.9", JANUARY);
        spent(buyer.customerId(), "cancelled", "EUR", "50", JANUARY.plus(1, ChronoUnit.DAYS));
        String last = spent(buyer.customerId(), "fulfilled", "USD", "12", JANUARY.plus(2, ChronoUnit.DAYS));
        var elsewhere = Fixtures.tenant(api);
        new OrderCalls(api, elsewhere).createFor(Fixtures.shopper(api, elsewhere).customerId(), JANUARY);
        var client = loggedIn(StaffFixtures.addStaff(api, shop, "support"));

        var list = client.get("/dashboard/customers").expect(200);

        assertThat(list.html()).contains("<th scope=\"col\">Orders</th><th scope=\"col\">Amount spent</th>");
        assertThat(rowOf(list, buyer.customerId())).contains("<td class=\"orders-count\">3</td>")
                .contains("<td class=\"amount-spent\">19.90 EUR, 12.00 USD</td>");
        assertThat(rowOf(list, browser.customerId())).contains("<td class=\"orders-count\">0</td>")
                .contains("<td class=\"amount-spent\">—</td>");

        var page = client.get("/dashboard/customers/" + buyer.customerId()).expect(200);
        assertThat(page.html()).contains("<dd id=\"orders-count\">3</dd>")
                .contains("<dd id=\"amount-spent\">19.90 EUR, 12.00 USD</dd>")
                .contains("<dd id=\"last-order\"><a href=\"/dashboard/orders/" + last + "\">" + last + "</a>, "
                        + "2026-01-03 10:00 UTC</dd>")
                .contains("href=\"/dashboard/orders?customer_id=" + buyer.customerId() + "\" id=\"all-orders\"");
        var nothing = client.get("/dashboard/customers/" + browser.customerId()).expect(200);
        assertThat(nothing.html()).contains("<dd id=\"orders-count\">0</dd>")
                .contains("<dd id=\"amount-spent\">—</dd>").contains("<dd id=\"last-order\">—</dd>");
    }

    @Test
    void ownerWhenTheShopHasOrdersThenTheyAreListedNewestFirstAndFilteredByEmailStatusOrCustomer() {
        String guest = Fixtures.uniqueEmail();
        var shopper = Fixtures.shopper(api, shop.tenant());
        String first = placed(guest, "paid", JANUARY, null);
        String second = placed(guest, "fulfilled", JANUARY.plus(31, ChronoUnit.DAYS), null);
        String third = placed(Fixtures.uniqueEmail(), "paid", JANUARY.plus(59, ChronoUnit.DAYS), shopper.customerId());
        new OrderCalls(api, Fixtures.tenant(api)).guest(guest); // another shop's order with the same address
        var client = owner();

        var all = client.get("/dashboard/orders").expect(200);
        assertThat(all.header("Content-Type")).startsWith("text/html");
        assertThat(all.html()).contains("href=\"/dashboard/orders\" aria-current=\"page\">Orders</a>");
        assertThat(numbers(all)).containsExactly(third, second, first);
        assertThat(all.html()).contains("<td><span class=\"guest\">guest</span></td>").contains("19.90 EUR")
                .contains("<a href=\"/dashboard/customers/" + shopper.customerId() + "\">");
        assertThat(nextUrl(all)).isNull();

        // as the admin API reads them: the address in any case and with spaces around it, the filters combined
        var byEmail = client.get("/dashboard/orders?email=" + enc(" " + guest.toUpperCase() + " ")).expect(200);
        assertThat(numbers(byEmail)).containsExactly(second, first);
        assertThat(byEmail.html()).contains("value=\"" + guest.toUpperCase() + "\"")
                .contains("<a class=\"button secondary\" href=\"/dashboard/orders\">Clear</a>");
        var paid = client.get("/dashboard/orders?status=paid").expect(200);
        assertThat(numbers(paid)).containsExactly(third, first);
        assertThat(paid.html()).contains("<option value=\"paid\" selected>");
        assertThat(numbers(client.get("/dashboard/orders?email=" + guest + "&status=paid").expect(200)))
                .containsExactly(first);
        var ofCustomer = client.get("/dashboard/orders?customer_id=" + shopper.customerId()).expect(200);
        assertThat(numbers(ofCustomer)).containsExactly(third);
        // a customer without a name is shown by their email
        assertThat(ofCustomer.html()).contains("id=\"filtered-customer\">" + shopper.email() + "</a>");
        for (String nobody : List.of("email=nobody%40example.com", "customer_id=cus_unknown", "status=refunded")) {
            var none = client.get("/dashboard/orders?" + nobody).expect(200);
            assertThat(numbers(none)).isEmpty();
            assertThat(none.html()).contains("No orders match.");
        }
    }

    @Test
    void ownerWhenOrdersBelongToCustomersThenTheirNamesAndEmailsAreShownLinkedAGoneOneSaysSo() {
        var ada = Fixtures.shopper(api, shop.tenant(), Map.of("first_name", "Ada", "last_name", "<Lovelace> & Co"));
        var unnamed = Fixtures.shopper(api, shop.tenant());
        var erased = Fixtures.shopper(api, shop.tenant(), Map.of("first_name", "Gone"));
        String adas = placed(Fixtures.uniqueEmail(), "paid", JANUARY, ada.customerId());
        String adasSecond = placed(Fixtures.uniqueEmail(), "paid", JANUARY.plusSeconds(1), ada.customerId());
        String unnameds = placed(Fixtures.uniqueEmail(), "paid", JANUARY.plusSeconds(2), unnamed.customerId());
        String erasedOnes = placed(Fixtures.uniqueEmail(), "paid", JANUARY.plusSeconds(3), erased.customerId());
        String guests = placed(Fixtures.uniqueEmail(), "paid", JANUARY.plusSeconds(4), null);
        api.delete("/v1/admin/customers/" + erased.customerId()).bearer(shop.tenant().sk()).send().expect(204);
        var client = owner();

        String adaShown = "<a href=\"/dashboard/customers/" + ada.customerId() + "\">Ada &lt;Lovelace&gt; &amp; Co</a> "
                + "<span class=\"hint\">" + ada.email() + "</span>";
        String unnamedShown = "<a href=\"/dashboard/customers/" + unnamed.customerId() + "\">" + unnamed.email()
                + "</a></td>";
        var list = client.get("/dashboard/orders").expect(200);
        assertThat(numbers(list)).containsExactly(guests, erasedOnes, unnameds, adasSecond, adas);
        assertThat(list.html()).contains("<td>" + adaShown + "</td>").containsOnlyOnce(unnamedShown)
                .contains("<td><span class=\"guest\">deleted customer</span></td>")
                .contains("<td><span class=\"guest\">guest</span></td>")
                .doesNotContain(erased.customerId()).doesNotContain("Gone");
        assertThat(list.html().split(java.util.regex.Pattern.quote(adaShown), -1)).hasSize(3);

        assertThat(client.get("/dashboard/orders/" + adas).expect(200).html())
                .contains("id=\"order-customer\">" + adaShown + "</dd>");
        assertThat(client.get("/dashboard/orders/" + unnameds).expect(200).html())
                .contains("id=\"order-customer\">" + unnamedShown.replace("</td>", "</dd>"));
        assertThat(client.get("/dashboard/orders/" + erasedOnes).expect(200).html())
                .contains("id=\"order-customer\"><span class=\"guest\">deleted customer</span></dd>")
                .doesNotContain("joins the account of whoever verifies");
        assertThat(client.get("/dashboard/orders?customer_id=" + ada.customerId()).expect(200).html())
                .contains("id=\"filtered-customer\">Ada &lt;Lovelace&gt; &amp; Co</a>");
    }

    @Test
    void ownerWhenFilteringByDaysThenOrdersPlacedFromTheFirstDayThroughTheLastInUtcAreListed() {
        Instant april = Instant.parse("2026-04-01T00:00:00Z");
        Instant may = Instant.parse("2026-05-01T00:00:00Z");
        String march = placed(Fixtures.uniqueEmail(), "paid", april.minusMillis(1), null);
        String first = placed(Fixtures.uniqueEmail(), "paid", april, null);
        String pending = placed(Fixtures.uniqueEmail(), "pending", april.plus(9, ChronoUnit.DAYS), null);
        String last = placed(Fixtures.uniqueEmail(), "paid", may.minusMillis(1), null);
        String mayFirst = placed(Fixtures.uniqueEmail(), "paid", may, null);
        new OrderCalls(api, Fixtures.tenant(api)).guest(Fixtures.uniqueEmail()); // another shop's, in April too
        var client = owner();

        var inApril = client.get("/dashboard/orders?from=2026-04-01&to=2026-04-30").expect(200);
        assertThat(numbers(inApril)).containsExactly(last, pending, first);
        assertThat(inApril.html()).contains("id=\"from\" name=\"from\" type=\"date\" value=\"2026-04-01\"")
                .contains("id=\"to\" name=\"to\" type=\"date\" value=\"2026-04-30\"")
                .contains("<a class=\"button secondary\" href=\"/dashboard/orders\">Clear</a>");
        assertThat(numbers(client.get("/dashboard/orders?from=2026-04-01&to=2026-04-30&status=paid").expect(200)))
                .containsExactly(last, first);
        assertThat(numbers(client.get("/dashboard/orders?from=2026-05-01").expect(200))).containsExactly(mayFirst);
        assertThat(numbers(client.get("/dashboard/orders?to=2026-03-31").expect(200))).containsExactly(march);
        assertThat(numbers(client.get("/dashboard/orders?from=2026-04-10&to=2026-04-10").expect(200)))
                .containsExactly(pending);
        assertThat(client.get("/dashboard/orders?from=2026-05-01&to=2026-04-01").expect(200).html())
                .contains("No orders match.");

        // paged with the days kept
        for (int i = 0; i < 25; i++) {
            placed(Fixtures.uniqueEmail(), "paid", april.plus(1, ChronoUnit.DAYS).plus(i, ChronoUnit.HOURS), null);
        }
        var firstPage = client.get("/dashboard/orders?from=2026-04-01&to=2026-04-30").expect(200);
        assertThat(numbers(firstPage)).hasSize(25).startsWith(last, pending);
        String next = nextUrl(firstPage);
        assertThat(next).contains("from=2026-04-01").contains("to=2026-04-30");
        assertThat(numbers(client.get(next).expect(200))).hasSize(3).endsWith(first).doesNotContain(march, mayFirst);
    }

    @Test
    void ownerWhenADayCannotBeReadThenItsMessageStandsAtTheFieldAndNoOrderIsShown() {
        placed(Fixtures.uniqueEmail(), "paid", JANUARY, null);
        var client = owner();
        for (String query : List.of("from=2026-13-01", "to=yesterday", "from=2026-04-01T00:00:00Z", "to=26-04-01",
                "from=%2B10000-01-01", "from=0000-12-31", "from=2026-04-01&from=2026-04-02")) {
            String field = query.substring(0, query.indexOf('='));
            var page = client.get("/dashboard/orders?" + query).expect(422);
            assertThat(page.html()).as(query).contains("id=\"" + field + "-error\">" + field + " must ")
                    .contains("Correct the filter marked above.");
            assertThat(numbers(page)).as(query).isEmpty();
        }
        assertThat(numbers(client.get("/dashboard/orders?to=9999-12-31").expect(200))).hasSize(1);
    }

    @Test
    void ownerWhenMoreOrdersThanAPageThenTheyArePagedTwentyFiveAtATimeWithTheFiltersKept() {
        List<String> paid = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            // placed an hour apart, the newest last; a pending one among them is filtered out
            paid.add(0, placed(Fixtures.uniqueEmail(), "paid", JANUARY.plus(i, ChronoUnit.HOURS), null));
        }
        String pending = placed(Fixtures.uniqueEmail(), "pending", JANUARY.plus(30, ChronoUnit.MINUTES), null);
        var client = owner();

        var first = client.get("/dashboard/orders?status=paid").expect(200);
        assertThat(numbers(first)).containsExactlyElementsOf(paid.subList(0, 25));
        String next = nextUrl(first);
        assertThat(next).contains("status=paid").contains("cursor=");
        var second = client.get(next).expect(200);
        assertThat(numbers(second)).containsExactlyElementsOf(paid.subList(25, 27));
        assertThat(second.html()).contains("<option value=\"paid\" selected>");
        assertThat(nextUrl(second)).isNull();

        var unfiltered = client.get("/dashboard/orders").expect(200);
        assertThat(numbers(unfiltered)).hasSize(25).doesNotContain(pending);
        assertThat(numbers(client.get(nextUrl(unfiltered)).expect(200)))
                .containsExactly(paid.get(25), pending, paid.get(26));
    }

    @Test
    void ownerWhenOpeningAnOrderThenItsLinesTotalsStatusAndCustomerAreShownEscaped() {
        var shopper = Fixtures.shopper(api, shop.tenant());
        String number = OrderCalls.number();
        Map<String, Object> body = OrderCalls.body(number, Fixtures.uniqueEmail());
        body.put("currency", "JPY");
        body.put("total", "4700");
        body.put("lines", List.of(
                Map.of("sku", "TEA-1", "name", "<script>alert('tea')</script> & \"green\"", "quantity", 3,
                        "unit_price", "1200"),
                Map.of("sku", "CUP-2", "name", "Cup", "quantity", 1, "unit_price", "1100")));
        placed(body, "fulfilled", JANUARY, shopper.customerId());
        var client = owner();

        var page = client.get("/dashboard/orders/" + number).expect(200);
        assertThat(page.html()).contains("<h1>Order " + number + "</h1>")
                .contains("id=\"order-status\">fulfilled<")
                .contains("id=\"order-total\">4700 JPY<")
                .contains("id=\"order-customer\"><a href=\"/dashboard/customers/" + shopper.customerId() + "\">")
                .contains("<code>TEA-1</code>").contains("<td>3</td>").contains("<td>1200 JPY</td>")
                .contains("<td>3600 JPY</td>").contains("<code>CUP-2</code>").contains("<td>1100 JPY</td>")
                .contains("href=\"/dashboard/orders\" aria-current=\"page\">Orders</a>");
        // the product name is the merchant's text, shown as text
        assertThat(page.html()).contains("<td>&lt;script&gt;alert('tea')&lt;/script&gt; &amp; \"green\"</td>")
                .doesNotContain("<script>");
        // read only: no form but the logout
        assertThat(page.html()).containsOnlyOnce("<form");

        // the customer's page links the order and all of the customer's orders
        var customer = client.get("/dashboard/customers/" + shopper.customerId()).expect(200);
        assertThat(customer.html()).contains("<a href=\"/dashboard/orders/" + number + "\">" + number + "</a>")
                .contains("href=\"/dashboard/orders?customer_id=" + shopper.customerId() + "\"")
                .doesNotContain("GET /v1/admin/customers/").doesNotContain("The latest");
        for (int i = 1; i <= 20; i++) {
            orders.createFor(shopper.customerId(), JANUARY.plus(i, ChronoUnit.DAYS));
        }
        assertThat(client.get("/dashboard/customers/" + shopper.customerId()).expect(200).html())
                .contains("The latest 20. <a href=\"/dashboard/orders?customer_id=" + shopper.customerId() + "\"")
                .doesNotContain("<a href=\"/dashboard/orders/" + number + "\">");
    }

    @Test
    void ownerWhenOpeningAGuestOrderThenItSaysGuestAndWhoseItWillBe() {
        String email = Fixtures.uniqueEmail();
        String number = orders.guest(email);

        var page = owner().get("/dashboard/orders/" + number).expect(200);
        assertThat(page.html()).contains("id=\"order-customer\"><span class=\"guest\">guest</span></dd>")
                .contains("id=\"order-email\">" + email + "<")
                .contains("<td>19.90 EUR</td>").contains("<td>Blue mug</td>")
                .contains("joins the account of whoever verifies " + email);
    }

    @Test
    void ownerWhenTheNumberIsUnknownOrAnotherShopsThenTheNotFoundPage() {
        String theirs = new OrderCalls(api, Fixtures.tenant(api)).guest(Fixtures.uniqueEmail());
        orders.guest(Fixtures.uniqueEmail());
        var client = owner();

        for (String number : List.of(theirs, "R-never-recorded", "a".repeat(300))) {
            var page = client.get("/dashboard/orders/" + number).expect(404);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.html()).contains("<h1>Not found</h1>").contains("Order was not found.");
        }
    }

    @Test
    void ownerWhenTypingAnOrderNumberThenItsPageOpens() {
        String number = orders.guest(Fixtures.uniqueEmail());
        var client = owner();

        // as merchants write it, with a '#', or with spaces around it
        for (String typed : List.of(number, "#" + number, " " + number + " ")) {
            client.get("/dashboard/orders?number=" + enc(typed)).expectRedirect("/dashboard/orders/" + number);
        }
        client.get("/dashboard/orders?number=R-never-recorded").expectRedirect("/dashboard/orders/R-never-recorded");
        // what cannot be an order number leads nowhere, dots alone neither
        for (String typed : List.of("..", "#", "a/b", "<script>", "n".repeat(65))) {
            var page = client.get("/dashboard/orders?number=" + enc(typed)).expect(404);
            assertThat(page.html()).contains("Order was not found.").doesNotContain("<script>");
        }
        assertThat(numbers(client.get("/dashboard/orders?number=+").expect(200))).containsExactly(number);
    }

    @Test
    void ownerWhenAFilterCannotBeReadThenItsMessageStandsAtTheFieldAndNoOrderIsShown() {
        orders.guest(Fixtures.uniqueEmail());
        var client = owner();
        Map<String, String> refusals = Map.of(
                "status=shipped", "id=\"status-error\">status must be one of pending, paid, fulfilled, cancelled, "
                        + "refunded.<",
                "status=paid&status=pending", "id=\"status-error\">status must be given once.<",
                "email=" + "a".repeat(250) + "%40b.example",
                "id=\"email-error\">email must be at most 254 characters.<",
                "customer_id=cus_%01",
                "id=\"customer_id-error\">customer_id must not contain control characters.<",
                "customer_id=" + "c".repeat(65),
                "id=\"customer_id-error\">customer_id must be at most 64 characters.<");
        refusals.forEach((query, message) -> {
            var page = client.get("/dashboard/orders?" + query).expect(422);
            assertThat(page.html()).contains(message).contains("Correct the filter marked above.");
            assertThat(numbers(page)).isEmpty();
        });
        // what was typed comes back as text
        var hostile = client.get("/dashboard/orders?status=" + enc("<script>x</script>")).expect(422);
        assertThat(hostile.html()).doesNotContain("<script>");
        var typed = client.get("/dashboard/orders?email=" + enc("\"><script>x</script>")).expect(200);
        assertThat(typed.html()).contains("value=\"&#34;>&lt;script>x&lt;/script>\"")
                .doesNotContain("<script>");
        // a cursor this list did not write
        assertThat(client.get("/dashboard/orders?cursor=not-a-cursor").expect(422).html())
                .contains("<h1>Cannot do this</h1>");
    }

    @Test
    void supportWhenOpeningTheOrdersThenTheyAreShownAndTheNavigationLeadsThere() {
        String number = orders.guest(Fixtures.uniqueEmail());
        var client = loggedIn(StaffFixtures.addStaff(api, shop, "support"));

        assertThat(client.get("/dashboard/customers").expect(200).html())
                .contains("<a href=\"/dashboard/orders\">Orders</a>");
        assertThat(numbers(client.get("/dashboard/orders").expect(200))).containsExactly(number);
        assertThat(client.get("/dashboard/orders/" + number).expect(200).html()).contains("<h1>Order " + number);
    }

    @Test
    void visitorWithoutASessionWhenOpeningOrdersThenTheyAreSentToTheLogin() {
        String number = orders.guest(Fixtures.uniqueEmail());
        var visitor = new DashboardClient(api.baseUrl());
        visitor.get("/dashboard/orders").expectRedirect("/dashboard/login");
        visitor.get("/dashboard/orders/" + number).expectRedirect("/dashboard/login");
    }
}
