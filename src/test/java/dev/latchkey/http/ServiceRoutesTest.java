package dev.latchkey.http;

import dev.latchkey.testing.Api;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.ApiTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceRoutesTest extends ApiTest {

    @Test
    void liveThenOk() {
        api.get("/health/live").send().expect(200);
    }

    @Test
    void readyWhenDatabaseUpThenOk() {
        api.get("/health/ready").send().expect(200);
    }

    @Test
    void metricsThenPrometheusTextWithRequestTimer() throws InterruptedException {
        api.get("/health/live").send().expect(200);

        Api.Res metrics = null;
        for (int attempt = 0; attempt < 20; attempt++) { // the timer is recorded once the answer is sent
            metrics = api.get("/metrics").send().expect(200);
            if (metrics.raw().contains("http_server_requests")) {
                break;
            }
            Thread.sleep(100);
        }

        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.raw()).contains("http_server_requests");
    }

    @Test
    void metricsThenEachRouteHasItsOwnSeriesNamedByItsPattern() throws InterruptedException {
        var tenant = Fixtures.tenant(api);
        api.get("/v1/admin/customers/cus_unknown").bearer(tenant.sk()).send().expect(404);
        api.get("/nowhere").send().expect(404);

        String metrics = "";
        // each timer is recorded once its answer is sent
        for (int attempt = 0; attempt < 20 && !(metrics.contains("route=\"unmatched\"")
                && metrics.contains("route=\"/v1/admin/customers/{id}\"")); attempt++) {
            metrics = api.get("/metrics").send().expect(200).raw();
            Thread.sleep(100);
        }
        assertThat(metrics).contains("method=\"GET\",route=\"/v1/admin/customers/{id}\",status=\"404\"")
                .contains("route=\"unmatched\"").doesNotContain("route=\"*\"");
    }

    @Test
    void metricsWhenClientsInventMethodsThenTheyShareOneSeries() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            api.method("INVENTED" + i, "/nowhere").send();
        }

        String metrics = "";
        for (int attempt = 0; attempt < 20 && !metrics.contains("method=\"OTHER\""); attempt++) {
            Thread.sleep(100); // the timer is recorded once the answer is sent
            metrics = api.get("/metrics").send().expect(200).raw();
        }

        assertThat(metrics).contains("method=\"OTHER\"").doesNotContain("INVENTED");
    }

    @Test
    void metricsWhenRequestsMadeThenNoSecretsInLabels() {
        api.get("/v1/me").key("pk_secret-value-that-must-not-leak").send();

        String metrics = api.get("/metrics").send().expect(200).raw();

        assertThat(metrics).doesNotContain("secret-value-that-must-not-leak");
    }

    @Test
    void openApiThenServesTheContract() {
        var res = api.get("/openapi.yaml").send().expect(200);

        assertThat(res.raw()).contains("openapi: 3.1");
        assertThat(res.header("Content-Type")).contains("yaml");
    }
}
