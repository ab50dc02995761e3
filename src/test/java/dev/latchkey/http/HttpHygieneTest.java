package dev.latchkey.http;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What every route shares: problem+json errors, limits, request ids. */
class HttpHygieneTest extends ApiTest {
    private final Fixtures.Tenant tenant = Fixtures.tenant(api);

    private static void assertProblem(Api.Res res, int status) {
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.body().path("status").asInt()).isEqualTo(status);
        assertThat(res.str("type")).isNotBlank();
        assertThat(res.str("title")).isNotBlank();
        assertThat(res.str("request_id")).isEqualTo(res.header("X-Request-Id"));
    }

    @Test
    void unknownRouteThenNotFoundProblem() {
        assertProblem(api.get("/nowhere").send().expect(404, "not_found"), 404);
    }

    @Test
    void unknownRouteUnderV1ThenNotFoundProblem() {
        assertProblem(api.get("/v1/does-not-exist").key(tenant.pk()).send().expect(404, "not_found"), 404);
        api.post("/v1/customers/extra/segments").key(tenant.pk()).send().expect(404, "not_found");
    }

    @Test
    void headWhenRouteProtectedThenAnswersAsGetWouldWithoutTheBody() {
        var shopper = Fixtures.shopper(api, tenant);
        for (String path : List.of("/v1/me", "/v1/me/addresses", "/v1/admin/customers", "/v1/platform/tenants")) {
            var refused = api.method("HEAD", path).key(tenant.pk()).send();
            assertThat(refused.status()).as(path).isEqualTo(401);
            assertThat(refused.raw()).as(path).isEmpty();
        }
        var mine = api.method("HEAD", "/v1/me").as(shopper).send().expect(200);
        assertThat(mine.header("Content-Type")).startsWith("application/json");
        assertThat(mine.raw()).isEmpty();
        api.method("HEAD", "/v1/admin/customers").bearer(tenant.sk()).send().expect(200);
        api.method("HEAD", "/health/live").send().expect(200);
        api.method("HEAD", "/v1/auth/login").key(tenant.pk()).send().expect(405);
    }

    @Test
    void headersTooLargeWhenRejectedBeforeRoutingThenProblemJsonSaysSo() {
        for (String method : List.of("GET", "POST")) {
            var call = api.method(method, "/nowhere").header("X-Padding", "a".repeat(20_000));
            var res = (method.equals("POST") ? call.body(Map.of("email", "x@example.com")) : call).send();

            assertThat(res.status()).isEqualTo(431);
            assertThat(res.code()).isEqualTo("headers_too_large");
            assertThat(res.str("title")).isEqualTo("Request Header Fields Too Large");
        }
    }

    @Test
    void httpVersionUnknownThenProblemJsonNamesItNotAServerFailure() throws Exception {
        List<String> requests = new ArrayList<>();
        for (String version : List.of("HTTP/1.2", "HTTP/9.9", "HTTP/2.0", "HTTP/2")) {
            requests.add("GET /health/live " + version + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
        // HTTP/2 is not spoken here, in a request line as above nor from the connection preface ("prior knowledge")
        requests.add("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        for (String request : requests) {
            String answer;
            try (var socket = new Socket("127.0.0.1", server.app.port())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(answer).as(request).startsWith("HTTP/1.1 505 ")
                    .contains("application/problem+json").contains("\"code\":\"http_version_not_supported\"");
        }
    }

    @Test
    void refusedBeforeRoutingWhateverTheMethodThenProblemJson() {
        for (String method : List.of("PUT", "PATCH", "DELETE", "OPTIONS")) {
            for (String path : List.of("/%00", "/nowhere/%FF")) {
                var malformed = api.method(method, path).send();
                assertThat(malformed.status()).as(method + " " + path).isEqualTo(400);
                assertThat(malformed.code()).as(method + " " + path).isEqualTo("bad_request");
                assertProblem(malformed, 400);
            }

            var tooLarge = api.method(method, "/nowhere").header("X-Padding", "a".repeat(20_000)).send();
            assertThat(tooLarge.status()).as(method).isEqualTo(431);
            assertThat(tooLarge.code()).as(method).isEqualTo("headers_too_large");
        }
    }

    @Test
    void knownRouteWithWrongMethodThenMethodNotAllowedNamingTheMethodsItHas() {
        var refused = api.delete("/v1/customers").key(tenant.pk()).send().expect(405, "method_not_allowed");
        assertProblem(refused, 405);
        assertThat(allowed(refused)).containsExactly("POST", "OPTIONS");
        assertThat(allowed(api.get("/v1/auth/login").key(tenant.pk()).send().expect(405, "method_not_allowed")))
                .containsExactly("POST", "OPTIONS");
        assertThat(allowed(api.put("/v1/me").key(tenant.pk()).send().expect(405, "method_not_allowed")))
                .containsExactlyInAnyOrder("GET", "HEAD", "PATCH", "DELETE", "OPTIONS");
        assertThat(allowed(api.post("/health/live").header("Accept", "text/html").send().expect(405)))
                .containsExactlyInAnyOrder("GET", "HEAD");
    }

    /** The methods of an Allow header (RFC 9110: a list, commas with optional spaces). */
    private static List<String> allowed(Api.Res res) {
        assertThat(res.header("Allow")).as("Allow of a 405").isNotBlank();
        return List.of(res.header("Allow").split("\\s*,\\s*"));
    }

    @Test
    void bodyOverOneMegabyteThenPayloadTooLargeNeverServerError() {
        String huge = "{\"email\": \"a@example.com\", \"password\": \"" + "x".repeat(1024 * 1024 + 10) + "\"}";

        var res = api.post("/v1/customers").key(tenant.pk()).body(huge).send();

        assertThat(res.status()).isEqualTo(413);
        assertThat(res.code()).isEqualTo("payload_too_large");
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void bodyAnnouncedOverOneMegabyteWithExpectContinueOrFarOverThenRefusedAtOnceWithoutWaitingForIt()
            throws Exception {
        for (String announce : List.of("Content-Length: 2000000\r\nExpect: 100-continue\r\n",
                "Content-Length: 100000000\r\n")) {
            String answer = oversizedCustomer(announce, "");
            assertThat(answer).as(announce).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue")
                    .contains("\"code\":\"payload_too_large\"");
        }
    }

    @Test
    void bodyOverOneMegabyteSentWithoutAskingThenReadToItsEndAndTheAnswerArrives() throws Exception {
        // the server reads what the client is sending anyway: closing on it would reset the connection and lose the 413
        String rest = "a".repeat(2_000_000 - "{\"email\": \"".length());
        String answer = oversizedCustomer("Content-Length: 2000000\r\n", rest);
        assertThat(answer).startsWith("HTTP/1.1 413 ").contains("\"code\":\"payload_too_large\"");
    }

    /**
     * Answers given before the body was read (a refused key, an unknown path, a chunked body past 1 MB): the rest of
     * the body is read and dropped after them, or closing the connection on the client still sending it would reset it
     * and the client would see no answer. Several rounds each, since a lost answer is a race (a few in a hundred).
     */
    @Test
    void answerWhenGivenBeforeTheBodyWasReadThenItArrivesAllTheSame() throws Exception {
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] body = ("{\"email\":\"" + "a".repeat(900_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] large = ("{\"email\":\"" + "a".repeat(3_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        record Case(String method, String path, String key, byte[] body, boolean chunked, int status) {
        }
        for (var c : List.of(new Case("POST", "/v1/customers", "pk_unknown", body, false, 401),
                new Case("POST", "/v1/customers", "pk_unknown", body, true, 401),
                new Case("POST", "/v1/customers", tenant.pk(), large, true, 413),
                new Case("POST", "/v1/nowhere", tenant.pk(), body, false, 404),
                new Case("OPTIONS", "/v1/me", tenant.pk(), body, false, 204))) { // a preflight, answered first thing
            for (int round = 0; round < 25; round++) {
                var publisher = HttpRequest.BodyPublishers.ofByteArray(c.body());
                var request = HttpRequest.newBuilder(URI.create(api.baseUrl() + c.path())).header("X-Api-Key", c.key())
                        .header("Content-Type", "application/json")
                        // without a known length the client sends the body in chunks
                        .method(c.method(), c.chunked() ? HttpRequest.BodyPublishers.fromPublisher(publisher) : publisher)
                        .build();
                var answer = client.send(request, HttpResponse.BodyHandlers.discarding());
                assertThat(answer.statusCode()).as("%s round %d", c, round).isEqualTo(c.status());
                if (c.status() == 204) {
                    assertThat(answer.headers().firstValue("Content-Type")).as("type of a 204").isEmpty();
                }
            }
        }
    }

    private String oversizedCustomer(String announce, String restOfBody) throws Exception {
        try (var socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(10_000); // the server would otherwise wait 30 s for a body that never comes
            var out = socket.getOutputStream();
            out.write(("POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + tenant.pk()
                    + "\r\nContent-Type: application/json\r\n" + announce + "Connection: close\r\n\r\n{\"email\": \"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(restOfBody.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void bodyOverOneMegabyteOnPlatformRouteThenPayloadTooLarge() {
        String huge = "{\"id\": \"x\", \"name\": \"" + "n".repeat(1024 * 1024 + 10) + "\"}";

        var res = api.post("/v1/platform/tenants").bearer(TestServer.PLATFORM_TOKEN).body(huge).send();

        assertThat(res.status()).isEqualTo(413);
    }

    @Test
    void bodyJustUnderOneMegabyteThenHandledAsUsual() {
        String big = "{\"email\": \"a@example.com\", \"password\": \"" + "x".repeat(1000 * 1000) + "\"}";

        var res = api.post("/v1/customers").key(tenant.pk()).body(big).send();

        assertThat(res.status()).isBetween(400, 499);
    }

    @Test
    void bodyJsonArrayThenMalformedJson() {
        api.post("/v1/auth/login").key(tenant.pk()).body("[1, 2, 3]").send().expect(400, "malformed_json");
        api.post("/v1/auth/login").key(tenant.pk()).body("\"just a string\"").send().expect(400, "malformed_json");
        api.post("/v1/auth/login").key(tenant.pk()).body("42").send().expect(400, "malformed_json");
    }

    @Test
    void bodyJsonWithTrailingGarbageThenMalformedJson() {
        api.post("/v1/auth/login").key(tenant.pk()).body("{\"email\": \"a@example.com\", \"password\": \"x\"} trailing")
                .send().expect(400, "malformed_json");
    }

    @Test
    void bodyJsonDeeplyNestedThenClientErrorNotServerError() {
        String deep = "{\"attributes\": " + "[".repeat(5000) + "]".repeat(5000) + "}";

        var res = api.post("/v1/customers").key(tenant.pk()).body(deep).send();

        assertThat(res.status()).isBetween(400, 499);
    }

    @Test
    void credentialFieldRepeatedThenBadRequestWhicheverValuesItHolds() {
        var ann = Fixtures.shopper(api, tenant);
        var bob = Fixtures.shopper(api, tenant);
        var other = Fixtures.tenant(api);

        assertProblem(api.get("/v1/me").as(ann).repeatHeader("Authorization", "Bearer " + bob.accessToken()).send()
                .expect(400, "bad_request"), 400);
        api.get("/v1/me").as(ann).repeatHeader("Authorization", "Bearer " + ann.accessToken()).send()
                .expect(400, "bad_request");
        api.get("/v1/me").as(ann).repeatHeader("X-Api-Key", other.pk()).send().expect(400, "bad_request");
        api.get("/v1/admin/settings").bearer(other.sk()).repeatHeader("Authorization", "Bearer " + tenant.sk())
                .send().expect(400, "bad_request");
        api.get("/v1/orders/1001").key(tenant.pk()).header("X-Order-Token", "ot_a")
                .repeatHeader("X-Order-Token", "ot_b").send().expect(400, "bad_request");

        // a refused logout ended nothing
        api.post("/v1/auth/logout").as(ann).repeatHeader("Authorization", "Bearer " + ann.accessToken()).send()
                .expect(400, "bad_request");
        api.get("/v1/me").as(ann).send().expect(200);
    }

    @Test
    void http10RequestWithTransferEncodingThenRefusedAndTheConnectionClosed() throws Exception {
        try (var socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(30_000);
            // what follows the body would be a second request to a server that kept the connection open
            socket.getOutputStream().write(("POST /v1/auth/login HTTP/1.0\r\nConnection: keep-alive\r\nX-Api-Key: "
                    + tenant.pk() + "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
                    + "GET /health/live HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"")
                    .doesNotContain("\"status\":\"ok\"");
        }
    }

    @Test
    void transferCodingOtherThanChunkedThenRefusedAndNotActedOn() throws Exception {
        String email = Fixtures.uniqueEmail();
        String body = "{\"email\":\"" + email + "\",\"password\":\"" + Fixtures.PASSWORD + "\"}";
        try (var socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(30_000);
            // the body is plain: read as sent, it would have registered the shopper
            socket.getOutputStream().write(("POST /v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: "
                    + tenant.pk() + "\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                    + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"");
        }
        api.post("/v1/customers").key(tenant.pk()).body(Map.of("email", email, "password", Fixtures.PASSWORD)).send()
                .expect(201);
    }

    @Test
    void bodyWithContentEncodingThenUnsupportedAndNotActedOn() {
        String email = Fixtures.uniqueEmail();
        Map<String, Object> registration = Map.of("email", email, "password", Fixtures.PASSWORD);
        for (String coding : List.of("gzip", "br", "identity, gzip")) {
            // a plain body labelled as compressed: read as it is, it would have registered the shopper
            var res = api.post("/v1/customers").key(tenant.pk()).header("Content-Encoding", coding)
                    .body(registration).send().expect(415, "unsupported_media_type");
            assertThat(res.header("Accept-Encoding")).isEqualTo("identity");
            assertProblem(res, 415);
        }
        // "identity" first, then a coding in a second field
        api.post("/v1/customers").key(tenant.pk()).header("Content-Encoding", "identity")
                .repeatHeader("Content-Encoding", "gzip").body(registration).send().expect(415, "unsupported_media_type");
        api.post("/v1/customers").key(tenant.pk()).header("Content-Encoding", "identity").body(registration).send()
                .expect(201);
    }

    @Test
    void requestIdWhenValidThenEchoed() {
        var res = api.get("/health/live").header("X-Request-Id", "req-123.abc:9_Z").send().expect(200);
        assertThat(res.header("X-Request-Id")).isEqualTo("req-123.abc:9_Z");

        var problem = api.get("/v1/me").key(tenant.pk()).header("X-Request-Id", "trace-42").send()
                .expect(401, "invalid_token");
        assertThat(problem.header("X-Request-Id")).isEqualTo("trace-42");
        assertThat(problem.str("request_id")).isEqualTo("trace-42");
    }

    @Test
    void jsonBodyWhenContentTypeNamesUnknownCharsetThenReadAsUtf8NotServerError() {
        for (String charset : List.of("bogus-xyz", "@@@")) {
            api.post("/v1/customers").key(tenant.pk()).header("Content-Type", "application/json; charset=" + charset)
                    .body(Map.of("email", Fixtures.uniqueEmail(), "password", Fixtures.PASSWORD)).send().expect(201);
        }
    }

    @Test
    void requestIdWhenInvalidThenReplaced() {
        for (String bad : new String[] {"has spaces in it", "x".repeat(200), "semi;colon", "<script>"}) {
            var res = api.get("/health/live").header("X-Request-Id", bad).send().expect(200);
            assertThat(res.header("X-Request-Id")).isNotBlank().isNotEqualTo(bad);
        }
    }

    @Test
    void requestIdWhenAbsentThenGeneratedAndUnique() {
        String first = api.get("/health/live").send().expect(200).header("X-Request-Id");
        String second = api.get("/health/live").send().expect(200).header("X-Request-Id");

        assertThat(first).isNotBlank().isNotEqualTo(second);
    }

    @Test
    void storefrontAnswersAreNotCached() {
        var res = api.post("/v1/auth/login").key(tenant.pk()).body(Map.of("email", "x@example.com", "password", "p"))
                .send().expect(401, "invalid_credentials");
        assertThat(res.header("Cache-Control")).contains("no-store");
    }

    @Test
    void noContentAnswerThenNoContentType() {
        var shopper = Fixtures.shopper(api, tenant);
        var res = api.post("/v1/auth/logout").as(shopper).send().expect(204);
        assertThat(res.raw()).isEmpty();
        assertThat(res.headers().firstValue("Content-Type")).isEmpty();
    }

    @Test
    void malformedUriWhenRejectedBeforeRoutingThenProblemJsonNotHtml() {
        var res = api.get("/%00").send();

        assertThat(res.status()).isEqualTo(400);
        assertThat(res.header("Content-Type")).startsWith("application/problem+json");
        assertThat(res.code()).isEqualTo("bad_request");
        assertThat(res.header("Connection")).isEqualTo("close");
        api.get("/health/live").send().expect(200);
    }

    @Test
    void refusedBeforeRoutingThenTheCallersRequestIdIsEchoedAndAHeadGetsNoBody() throws Exception {
        // an expectation HTTP does not define: refused once the headers are read, before any route
        String get = rawAnswer("GET", "Expect: something\r\nX-Request-Id: mine-1\r\n");
        assertThat(get).startsWith("HTTP/1.1 417 ").contains("\r\nX-Request-Id: mine-1\r\n")
                .endsWith("\"request_id\":\"mine-1\"}");

        String head = rawAnswer("HEAD", "Expect: something\r\nX-Request-Id: mine-2\r\n");
        assertThat(head).startsWith("HTTP/1.1 417 ").contains("\r\nX-Request-Id: mine-2\r\n").endsWith("\r\n\r\n")
                .contains("\r\nContent-Length: " + get.substring(get.indexOf("\r\n\r\n") + 4).length() + "\r\n");
    }

    /**
     * Each kind of request the HTTP server refuses before any route runs, sent to a dashboard path and to an API path:
     * the value is the status, and a target's {@code ~} is where its path begins.
     */
    private static final Map<String, String> REFUSED_BEFORE_ROUTING = Map.ofEntries(
            Map.entry("GET ~/marker%C3%28", "400"), // escapes that are not UTF-8: Jetty reads the path
            Map.entry("GET ~/customers/marker%ED%A0%80", "400"),
            Map.entry("POST ~/marker%FF", "400"),
            Map.entry("GET ~/marker%00", "400"), // and where it cannot read it
            Map.entry("GET ~/marker%zz", "400"),
            Map.entry("GET ~/marker%4", "400"),
            Map.entry("GET ~/%2E%2E/%2E%2E/%2E%2E/%2E%2E/marker", "400"),
            Map.entry("GET ~/marker" + "x".repeat(20_000), "414"),
            Map.entry("GET ~/customers?marker padded", "431"),
            Map.entry("GET ~/customers?marker malformed-header", "400"),
            Map.entry("GET ~/customers?marker unknown-expectation", "417"));

    /** The header fields that make a request of the table above refused, by the word after its target. */
    private static String refusingHeaders(String target) {
        if (target.endsWith(" padded")) {
            return "X-Padding: " + "a".repeat(20_000) + "\r\n";
        }
        if (target.endsWith(" malformed-header")) {
            return "X Malformed: a\r\n";
        }
        return target.endsWith(" unknown-expectation") ? "Expect: something\r\n" : "";
    }

    @Test
    void refusedBeforeRoutingOnADashboardPathThenTheDashboardsErrorPageWithItsHeaders() throws Exception {
        String page = rawAnswer("GET", "/dashboard/login", "");
        assertThat(page).startsWith("HTTP/1.1 200 ");
        for (var refusal : REFUSED_BEFORE_ROUTING.entrySet()) {
            String[] request = refusal.getKey().replace("~", "/dashboard").split(" ");
            String answer = rawAnswer(request[0], request[1], refusingHeaders(refusal.getKey())
                    + "X-Request-Id: mine-3\r\n");
            String label = refusal.getKey().substring(0, Math.min(refusal.getKey().length(), 50));
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(answer).as(label).startsWith("HTTP/1.1 " + refusal.getValue() + " ")
                    .containsPattern("(?i)\r\ncontent-type: text/html;\\s*charset=utf-8\r\n")
                    .containsPattern("(?i)\r\nconnection: close\r\n");
            assertThat(body).as(label).startsWith("<!DOCTYPE html>").contains("Cannot do this",
                    "The request cannot be served.").doesNotContain("marker", "{");
            assertNoTrace(label, body);
            for (String header : List.of("Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security",
                    "Referrer-Policy", "Cache-Control", "Cross-Origin-Opener-Policy", "Permissions-Policy",
                    "X-Content-Type-Options")) {
                assertThat(field(answer, header)).as(label + ": " + header).isNotNull()
                        .isEqualTo(field(page, header));
            }
        }
        assertHeadGetsTheLengthOnly(List.of("/dashboard/marker%C3%28", "/dashboard/marker%FF"));
        assertThat(rawAnswer("HEAD", "/dashboard/marker%00", "")).startsWith("HTTP/1.1 400 ")
                .containsPattern("(?i)\r\ncontent-type: text/html");
    }

    /** A HEAD refused before routing, on a target the server could read, is answered without content. */
    private void assertHeadGetsTheLengthOnly(List<String> targets) throws Exception {
        for (String target : targets) {
            String get = rawAnswer("GET", target, "");
            String head = rawAnswer("HEAD", target, "");
            assertThat(head).as(target).startsWith("HTTP/1.1 400 ").endsWith("\r\n\r\n")
                    .containsPattern("(?i)\r\ncontent-length: " + get.substring(get.indexOf("\r\n\r\n") + 4)
                            .getBytes(StandardCharsets.UTF_8).length + "\r\n");
        }
    }

    @Test
    void refusedBeforeRoutingWhereThePathIsNoPageThenProblemJsonStill() throws Exception {
        for (String prefix : List.of("/v1/admin", "/v1/me", "/nowhere", "/dashboardx")) {
            for (var refusal : REFUSED_BEFORE_ROUTING.entrySet()) {
                String[] request = refusal.getKey().replace("~", prefix).split(" ");
                String answer = rawAnswer(request[0], request[1], refusingHeaders(refusal.getKey()));
                String label = prefix + " " + refusal.getKey().substring(0, Math.min(refusal.getKey().length(), 50));
                assertThat(answer).as(label).startsWith("HTTP/1.1 " + refusal.getValue() + " ")
                        .containsPattern("(?i)\r\ncontent-type: application/problem\\+json")
                        .contains("\"detail\":\"The request cannot be served.\"");
                assertNoTrace(label, answer.substring(answer.indexOf("\r\n\r\n") + 4));
            }
        }
        assertHeadGetsTheLengthOnly(List.of("/v1/me/%C3%28", "/v1/me/%FF"));
        // a target that is no path at all
        assertThat(rawAnswer("GET", "%00/dashboard", "")).startsWith("HTTP/1.1 400 ")
                .containsPattern("(?i)\r\ncontent-type: application/problem\\+json");
    }

    /** Nothing of the server's code: no exception's name, stack frame or package, nor the server's own name. */
    private static void assertNoTrace(String label, String body) {
        assertThat(body).as(label).doesNotContainPattern("Exception|\\bat [a-z]+\\.|org\\.eclipse|dev\\.latchkey")
                .doesNotContainIgnoringCase("jetty");
    }

    /** The value of an answer's header field, whatever its case; null when it has none. */
    private static String field(String answer, String name) {
        var m = Pattern.compile("(?im)^" + name + ": ([^\r\n]*)").matcher(answer.substring(0,
                answer.indexOf("\r\n\r\n") + 2));
        return m.find() ? m.group(1) : null;
    }

    private String rawAnswer(String method, String headers) throws Exception {
        return rawAnswer(method, "/health/live", headers);
    }

    private String rawAnswer(String method, String target, String headers) throws Exception {
        try (var socket = new Socket("127.0.0.1", server.app.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}