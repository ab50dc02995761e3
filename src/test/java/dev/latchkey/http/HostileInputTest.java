package dev.latchkey.http;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.latchkey.testing.Problems.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

/** Input that could only fail in the database or the JSON writer is refused up front, with the field named. */
class HostileInputTest extends ApiTest {
    private static String cursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void listWhenCursorForgedWithTimeOrIdNoDatabaseTakesThenRefused() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        for (String forged : List.of("9223372036854775807:x", "31556889864403199:x", "-62135596800001:x", "1:a\u0000b",
                "1:a b", "1:")) {
            assertInvalid(api.get("/v1/me/sessions?cursor=" + cursor(forged)).as(shopper).send(), "cursor", "invalid");
            assertInvalid(api.get("/v1/admin/customers?cursor=" + cursor(forged)).bearer(tenant.sk()).send(),
                    "cursor", "invalid");
        }
        api.get("/v1/me/sessions?cursor=" + cursor("1:ses_abc")).as(shopper).send().expect(200);
    }

    @Test
    void queryWhenNulCharacterThenTheParameterIsNamed() {
        var tenant = Fixtures.tenant(api);
        assertInvalid(api.get("/v1/admin/audit?customer_id=cus_a%00b").bearer(tenant.sk()).send(), "customer_id",
                "invalid");
        assertInvalid(api.get("/v1/admin/customers?query=a%00b").bearer(tenant.sk()).send(), "query", "invalid");
    }

    @Test
    void queryWhenAPercentEscapeIsMalformedThenTheParameterIsNamedNotDropped() {
        var tenant = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        var shopper = Fixtures.shopper(api, tenant);
        // dropped, the filter would list every customer and the limit would be the default
        assertInvalid(api.raw("GET", "/v1/admin/customers?status=%zz").bearer(tenant.sk()).send(), "status",
                "invalid");
        assertInvalid(api.raw("GET", "/v1/admin/customers?limit=1%").bearer(tenant.sk()).send(), "limit", "invalid");
        // dropped, the confirmation would become a request, which this tenant answers by erasing the account at once
        assertInvalid(api.raw("DELETE", "/v1/me?token=%zz").as(shopper).send(), "token", "invalid");
        api.get("/v1/me").as(shopper).send().expect(200);
        // a name that cannot be read is named as it was sent, beside a NUL
        assertInvalid(api.raw("GET", "/v1/admin/audit?%zz=1&type=%00").bearer(tenant.sk()).send(), "%zz", "invalid");
        assertInvalid(api.raw("GET", "/v1/admin/audit?type=%00&%zz=1").bearer(tenant.sk()).send(), "type", "invalid");
    }

    @Test
    void queryWhenEscapedBytesAreNotUtf8ThenTheParameterIsNamedNotReadAsReplacementCharacters() {
        var tenant = Fixtures.tenant(api);
        // "Müller" as Latin-1 and a broken two-byte sequence: read leniently, each would search for another name
        assertInvalid(api.get("/v1/admin/customers?query=M%FCller").bearer(tenant.sk()).send(), "query", "invalid");
        assertInvalid(api.get("/v1/admin/orders?email=%C3%28%40example.com").bearer(tenant.sk()).send(), "email",
                "invalid");
        api.get("/v1/admin/customers?query=M%C3%BCller+K").bearer(tenant.sk()).send().expect(200);
    }

    @Test
    void queryWhenAPageParameterOrTheDeletionsTokenIsGivenTwiceThenRefusedNamingIt() {
        var tenant = Fixtures.tenant(api, Map.of("deletion_requires_confirmation", false));
        var shopper = Fixtures.shopper(api, tenant);
        // the first of two would count here, while a proxy or a log reading the last sees another request
        assertInvalid(api.get("/v1/admin/customers?limit=1&limit=100").bearer(tenant.sk()).send(), "limit",
                "invalid");
        assertInvalid(api.get("/v1/me/sessions?cursor=&cursor=" + cursor("1:ses_abc")).as(shopper).send(), "cursor",
                "invalid");
        assertInvalid(api.delete("/v1/me?token=&token=x").as(shopper).send(), "token", "invalid");
        api.get("/v1/me").as(shopper).send().expect(200);
    }

    @Test
    void bodyWhenAnObjectNamesAMemberTwiceThenMalformedAndNothingStored() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        for (String body : List.of("{\"first_name\":\"Ann\",\"first_name\":\"Eve\"}",
                "{\"attributes\":{\"tier\":\"gold\",\"tier\":\"basic\"}}")) {
            var refused = api.patch("/v1/me").as(shopper).body(body).send().expect(400, "malformed_json");
            assertThat(refused.str("detail")).contains("twice");
        }
        var me = api.get("/v1/me").as(shopper).send().expect(200);
        assertThat(me.body().path("first_name").isNull()).isTrue();
        assertThat(me.body().path("attributes").isEmpty()).isTrue();
        // the same name in two different objects is no duplicate
        api.patch("/v1/me").as(shopper).body("{\"first_name\":\"Ann\",\"attributes\":{\"first_name\":\"x\"}}")
                .send().expect(200);
    }

    @Test
    void bodyWhenNotUtf8OrHoldingHalfASurrogatePairThenMalformedAndNothingStored() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        byte[] latin1 = "{\"first_name\":\"J\u00f6rg\"}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] overlong = {'{', '"', 'f', 'i', 'r', 's', 't', '_', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xc0,
                (byte) 0xaf, '"', '}'};
        for (Object body : List.of(latin1, overlong, "{\"first_name\":\"a\\ud800b\"}",
                "{\"first_name\":\"a\\udc00\"}", "{\"attributes\":{\"k\\ud800\":1}}",
                "{\"attributes\":{\"k\":[\"\\ud83d\"]}}")) {
            api.patch("/v1/me").as(shopper).body(body).send().expect(400, "malformed_json");
        }
        // a whole pair is one character, and UTF-8 as it should be is read as such
        api.patch("/v1/me").as(shopper).body("{\"last_name\":\"\\ud83d\\ude00\"}").send().expect(200);
        var me = api.patch("/v1/me").as(shopper).body("{\"first_name\":\"J\u00f6rg\"}").send().expect(200);
        assertThat(me.str("first_name")).isEqualTo("J\u00f6rg");
        assertThat(me.str("last_name")).isEqualTo("\ud83d\ude00");
        assertThat(me.body().path("attributes").isEmpty()).isTrue();
    }

    @Test
    void attributesWhenNestedTooDeepThenRefusedAndTheListStillReads() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        String deep = "{\"attributes\":" + "{\"a\":".repeat(33) + "1" + "}".repeat(33) + "}";
        assertInvalid(api.patch("/v1/me").as(shopper).body(deep).send(), "attributes", "too_deep");
        // beyond what the JSON parser itself follows: still the field's fault, not a body that is not JSON
        String deeper = "{\"first_name\":\"Ada\",\"attributes\":{\"a\":" + "[".repeat(1200) + "]".repeat(1200) + "}}";
        assertInvalid(api.patch("/v1/me").as(shopper).body(deeper).send(), "attributes", "too_deep");
        String longNumber = "{\"attributes\":{\"a\":" + "1".repeat(1200) + "}}";
        assertInvalid(api.patch("/v1/me").as(shopper).body(longNumber).send(), "attributes", "too_long");
        // a name too long to read is no member's fault, least of all the one before it
        String longName = "{\"first_name\":\"Ada\",\"" + "n".repeat(60_000) + "\":1}";
        api.patch("/v1/me").as(shopper).body(longName).send().expect(400, "malformed_json");
        String allowed = "{\"attributes\":" + "{\"a\":".repeat(32) + "1" + "}".repeat(32) + "}";
        api.patch("/v1/me").as(shopper).body(allowed).send().expect(200);
        assertThat(api.get("/v1/me").as(shopper).send().expect(200).str("first_name")).isNotEqualTo("Ada");

        assertThat(api.get("/v1/admin/customers").bearer(tenant.sk()).send().expect(200).body().path("data"))
                .hasSize(1);
    }

    @Test
    void orderWhenPlacedAtOutsideFourDigitYearsThenRefusedAndNothingStored() {
        var tenant = Fixtures.tenant(api);
        for (String placedAt : List.of("+294277-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
                "0000-01-01T00:00:00Z")) {
            Map<String, Object> body = new HashMap<>(Map.of("number", Fixtures.uniqueId("R"),
                    "email", "far@example.com", "status", "paid", "currency", "EUR", "total", "1",
                    "lines", List.of(Map.of("sku", "S", "name", "n", "quantity", 1, "unit_price", "1")),
                    "placed_at", placedAt));
            assertInvalid(api.post("/v1/admin/orders").bearer(tenant.sk()).body(body).send(), "placed_at", "invalid");
            api.get("/v1/admin/orders/" + body.get("number")).bearer(tenant.sk()).send().expect(404, "not_found");
        }
    }

    @Test
    void contentTypeWhenItNamesAnyCharsetThenQueryParametersAreStillReadAsUtf8AndNothingLogged() {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        api.post("/v1/admin/customers").bearer(tenant.sk()).body(Map.of("email", email, "last_name", "\u00c9lodie"))
                .send().expect(201);
        Fixtures.shopper(api, tenant);
        try (var log = LogCapture.all()) {
            for (String contentType : List.of("application/json;charset", "application/json; charset=",
                    "application/json; charset=\"\"", "application/json; charset=bogus", "text/plain; charset=utf-16",
                    "application/json; charset=ISO-8859-1", "charset", "application/json; CharSetX=bogus")) {
                var found = api.get("/v1/admin/customers?query=%C3%89lodie").bearer(tenant.sk())
                        .header("Content-Type", contentType).send().expect(200);
                assertThat(found.body().path("data")).as(contentType).singleElement()
                        .satisfies(customer -> assertThat(customer.path("email").asText()).isEqualTo(email));
                assertInvalid(api.get("/v1/admin/customers?limit=0").bearer(tenant.sk())
                        .header("Content-Type", contentType).send(), "limit", "out_of_range");
            }
            assertThat(log.lines()).noneMatch(line -> line.contains("Exception"));
        }
    }

    @Test
    void requestWhenItAsksForAWebSocketThenServedAsThePlainRequestWithoutASession() {
        var tenant = Fixtures.tenant(api);
        var shopper = Fixtures.shopper(api, tenant);
        var me = api.raw("GET", "/v1/me").as(shopper).header("Connection", "Upgrade").header("Upgrade", "websocket")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13")
                .send().expect(200);
        assertThat(me.str("id")).isEqualTo(shopper.customerId());
        assertThat(me.header("Set-Cookie")).isNull();
    }

    /**
     * A body shorter than its Content-Length (a client that gave up while sending, or a broken one): the client's
     * doing, answered 400 like other malformed requests, nothing stored, and no error logged as if the server failed.
     */
    @Test
    void bodyWhenShorterThanItsContentLengthThenBadRequestAndNoErrorLogged() throws Exception {
        var tenant = Fixtures.tenant(api);
        String email = Fixtures.uniqueEmail();
        String partial = "{\"email\": \"" + email + "\", \"password\": \"corr";
        String answer;
        try (var log = LogCapture.of(ProblemResponder.class);
             var socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(30_000);
            String head = "POST /v1/admin/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + tenant.sk()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write((head + partial).getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(log.lines()).noneMatch(line -> line.contains("failed (request id"));
        }

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"");
        assertThat(api.get("/v1/admin/customers?query=" + email).bearer(tenant.sk()).send().expect(200)
                .body().path("data")).isEmpty();
    }
}
