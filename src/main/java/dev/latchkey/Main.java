package dev.latchkey;

import dev.latchkey.config.Config;
import dev.latchkey.config.ConfigException;

import java.time.Clock;

/** Reads the configuration, starts the service, and stops it gracefully on SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Config config;
        try {
            config = Config.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("latchkey: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        long started = System.nanoTime();
        var app = new Application(config, Clock.systemUTC()).start(config.port());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "latchkey-shutdown"));
        System.out.printf("latchkey: listening on port %d (%s database) after %d ms%n", app.port(),
                config.isPostgres() ? "PostgreSQL" : "embedded H2", (System.nanoTime() - started) / 1_000_000);
    }
}
