package dev.latchkey.http;

import dev.latchkey.bulk.CustomerImports;
import dev.latchkey.testing.DedicatedServer;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TrickledRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A body that stops arriving is answered like every other refusal, after the configured idle time, and not acted on. */
class RequestTimeoutTest {
    @RegisterExtension
    static final DedicatedServer own = new DedicatedServer(Map.of("LATCHKEY_HTTP_IDLE_TIMEOUT", "1"));

    @Test
    void bodyWhenItStopsArrivingThenRequestTimeoutProblemAndNothingRegistered() {
        var api = own.api();
        var tenant = Fixtures.tenant(api);
        var stalled = api.raw("POST", "/v1/customers").key(tenant.pk()).header("Content-Type", "application/json")
                .header("Content-Length", "200")
                .body("{\"email\": \"stalled@example.com\", \"password\": \"" + Fixtures.PASSWORD + "\"}")
                .send().expect(408, "request_timeout");
        assertThat(stalled.body().path("detail").asText()).contains("did not arrive in full within 1 s");
        assertThat(api.get("/v1/admin/customers?query=stalled").bearer(tenant.sk()).send().expect(200).body()
                .path("data")).isEmpty();
    }

    @Test
    void oversizedBodyWhenTrickledThenRefusedAtOnceAndLetGoAfterTheIdleTimeoutInAll() {
        // the body would take days: it is answered at once, and the rest read (and dropped) for the idle timeout in all
        var ended = trickled("/v1/customers", 2_000_000);
        assertThat(ended.answer()).startsWith("HTTP/1.1 413 ");
        assertThat(ended.millis()).as("milliseconds until the connection ended").isLessThan(5_000);
    }

    @Test
    void bodyWhenTrickledThenRequestTimeoutWithinTheIdleTimeoutInAll() {
        // the body would take a minute: reading it stops after the idle timeout in all
        var ended = trickled("/v1/auth/login", 200);
        assertThat(ended.answer()).startsWith("HTTP/1.1 408 ").contains("\"code\":\"request_timeout\"");
        assertThat(ended.millis()).as("milliseconds until the connection ended").isLessThan(5_000);
    }

    /** Announces a JSON body of {@code length} bytes and sends it a byte every 300 ms, each within the 1 s timeout. */
    private static TrickledRequest.Ended trickled(String path, int length) {
        var tenant = Fixtures.tenant(own.api());
        return TrickledRequest.send(own.api(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: "
                + tenant.pk() + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n{",
                new byte[] {' '}, 300, length);
    }

    @Test
    void headersWhenTrickledThenTheConnectionIsClosedWithinTheIdleTimeoutInAll() {
        // each byte comes within the idle timeout: without a bound on the whole, the connection would be held for ever
        var ended = TrickledRequest.send(own.api(), "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
                new byte[] {'a'}, 300, 1_000);
        assertThat(ended.answer()).isEmpty();
        assertThat(ended.millis()).as("milliseconds until the connection ended").isLessThan(3_000);
    }

    @Test
    void headersWhenEachRequestsArriveWithinTheIdleTimeoutThenTheConnectionServesThemAll() throws Exception {
        URI base = URI.create(own.api().baseUrl());
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            String request = "GET /health/live HTTP/1.1\r\nHost: " + base.getHost() + "\r\n";
            // three requests' headers, each sent in two parts 600 ms apart: 1.8 s on one connection in all
            for (String last : new String[] {"", "", "Connection: close\r\n"}) {
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(600);
                out.write((last + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answers.split("HTTP/1.1 200 ", -1)).hasSize(4);
        }
    }

    @Test
    void uploadWhenItStopsArrivingThenRequestTimeoutAndItsUploadSlotFreed() {
        var api = own.api();
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < CustomerImports.UPLOADS_AT_ONCE; i++) {
            api.raw("POST", "/v1/admin/customers/imports").bearer(tenant.sk()).header("Content-Type", "text/csv")
                    .header("Content-Length", "200").body("Email\n").send().expect(408, "request_timeout");
        }
        api.post("/v1/admin/customers/imports").bearer(tenant.sk()).header("Content-Type", "text/csv")
                .body("Email\nslot@example.com\n").send().expect(202);
    }

    @Test
    void dashboardFormWhenItStopsArrivingThenRequestTimeoutPage() throws Exception {
        URI base = URI.create(own.api().baseUrl());
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /dashboard/login HTTP/1.0\r\nHost: " + base.getHost()
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntenant_id=x")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 408 ").containsIgnoringCase("Content-Type: text/html")
                    .contains("did not arrive in full");
        }
    }
}
