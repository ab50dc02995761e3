package dev.latchkey.http;

import dev.latchkey.db.Database;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Liveness, readiness, Prometheus metrics and the OpenAPI contract. */
public final class ServiceRoutes {
    private final Database db;
    private final PrometheusMeterRegistry metrics;
    private final byte[] openApi;

    public ServiceRoutes(Database db, PrometheusMeterRegistry metrics) {
        this.db = db;
        this.metrics = metrics;
        this.openApi = loadOpenApi();
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = ServiceRoutes.class.getResourceAsStream("/openapi.yaml")) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled openapi.yaml", e);
        }
    }

    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/health/live", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/health/ready", this::ready);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
    }

    private void ready(Context ctx) {
        if (db.isUp()) {
            ctx.json(Map.of("status", "ok", "database", "up"));
        } else {
            ProblemResponder.write(ctx, 503, "not_ready", "The database cannot be reached.", java.util.List.of());
        }
    }
}
