package dev.latchkey;

import dev.latchkey.config.Config;
import dev.latchkey.config.ConfigException;

import org.slf4j.LoggerFactory;

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
            warnUnrecognised(Config.unrecognisedIn(System.getenv()));
            System.err.println("latchkey: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        warnUnrecognised(config.unrecognised());
        long started = System.nanoTime();
        Application app;
        try {
            app = Application.build(config, Clock.systemUTC()).start(config.port());
        } catch (RuntimeException | Error e) {
            // an unreachable database or Redis, a port in use: the operator needs the cause, not a stack trace
            System.err.println("latchkey: cannot start: " + causes(e));
            LoggerFactory.getLogger(Main.class).debug("start-up failed", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "latchkey-shutdown"));
        System.out.printf("latchkey: listening on port %d (%s database) after %d ms%n", app.port(),
                config.isPostgres() ? "PostgreSQL" : "embedded H2", (System.nanoTime() - started) / 1_000_000);
    }

    private static void warnUnrecognised(java.util.Set<String> names) {
        for (String name : names) {
            // the name only: a value may be a password
            System.err.println("latchkey: warning: " + name + " is not a setting of this server and is ignored "
                    + "(a misspelt name?)");
        }
    }

    /** Each cause's own message, outermost first, where it adds to what the ones before it said. */
    private static String causes(Throwable e) {
        StringBuilder said = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (said.isEmpty()) {
                said.append(message);
            } else if (!said.toString().contains(message)) {
                said.append(" (").append(message).append(')');
            }
        }
        return said.toString();
    }
}
