package dev.latchkey.config;

import dev.latchkey.http.IpRange;
import dev.latchkey.http.Text;
import dev.latchkey.ratelimit.LimitedAction;
import dev.latchkey.ratelimit.Quota;
import dev.latchkey.ratelimit.RateLimitSettings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed configuration, read from {@code LATCHKEY_*} environment variables. Every value is checked here so that a bad
 * setting stops start-up with one clear line instead of failing later.
 */
public record Config(
        int port,
        Path dataDir,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        Duration databaseSocketTimeout,
        Duration databasePoolTimeout,
        Optional<String> platformToken,
        Smtp smtp,
        Argon2 argon2,
        HashPool hashPool,
        boolean devMailbox,
        MailDelivery mailDelivery,
        Webhooks webhooks,
        Bulk bulk,
        List<IpRange> trustedProxies,
        RateLimitSettings rateLimits,
        int auditRetentionDays,
        Optional<String> redisUrl,
        boolean requestLog,
        Duration httpIdleTimeout,
        Set<String> unrecognised) {

    /** Password hashing threads (default: one per core) and how many checks may wait before 503. */
    public record HashPool(int threads, int queue) {
    }

    public record Smtp(Optional<String> host, int port, Optional<String> username, Optional<String> password,
                       String from, boolean startTls) {
        public boolean configured() {
            return host.isPresent();
        }
    }

    /**
     * How the outbox worker paces itself: it looks for due mail every {@code pollMillis} (and at once after a commit
     * that queued mail); a failed send waits {@code retryBaseMillis}, doubling per attempt up to
     * {@code retryMaxMillis}, and after {@code maxAttempts} the mail is kept as failed for an operator to see.
     */
    public record MailDelivery(long pollMillis, long retryBaseMillis, long retryMaxMillis, int maxAttempts) {
    }

    /**
     * Webhooks: the server's key their signing secrets are derived from (else generated into the data folder); whether
     * a webhook may call plain http and private, loopback or link-local addresses (development and tests only); and how
     * the delivery worker paces itself: a look for due deliveries every {@code pollMillis} (and at once after a commit
     * that queued one), a failed attempt waits {@code retryBaseMillis} doubling per attempt up to
     * {@code retryMaxMillis}, a delivery is given up after {@code maxAttempts}, and a webhook whose
     * {@code disableAfter} latest events in a row were given up on is disabled.
     */
    public record Webhooks(Optional<String> key, boolean allowPrivate, long pollMillis, long retryBaseMillis,
                           long retryMaxMillis, int maxAttempts, int disableAfter) {
    }

    /**
     * Bulk customer export and import: customers read per page of an export, rows per committed batch of an import,
     * how often the import worker looks for queued jobs when not woken, and how long it runs one job before it lets the
     * job go and takes the next shop's turn (0: one batch per turn).
     */
    public record Bulk(int exportPageSize, int importBatch, long importPollMillis, long importSliceMillis) {
    }

    /** Argon2id cost; the defaults are OWASP's first recommendation (m=19 MiB, t=2, p=1). */
    public record Argon2(int memoryKib, int iterations, int parallelism) {
        public static final Argon2 OWASP = new Argon2(19456, 2, 1);
    }

    /**
     * Connections to the database per node. Few: every statement is short and no request holds a connection while it
     * hashes a password. On two cores shared with PostgreSQL, 8 connections cost PostgreSQL over a quarter less CPU
     * per token rotation than 16, whose backends contended for the cores, and 4 left the cores idle while commits
     * waited for the disk (BENCHMARKS.md).
     */
    static final int DEFAULT_POOL_SIZE = 8;

    public boolean isPostgres() {
        return databaseUrl.startsWith("jdbc:postgresql:");
    }

    /** Whether the database is the embedded one in the data folder (the default), whose files the server makes. */
    public boolean embeddedDatabase() {
        return databaseUrl.equals(embeddedUrl(dataDir));
    }

    private static String embeddedUrl(Path dataDir) {
        // The server closes the database itself on shutdown, after the workers that use it: H2's own exit hook would
        // close it under them. H2's trace file is off: it would repeat every failed statement and its error in a
        // file readable by all (the server logs failures itself, without values).
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve(DataFolder.EMBEDDED_DATABASE)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE"
                + ";TRACE_LEVEL_FILE=0";
    }

    public static Config fromEnv(Map<String, String> env) {
        return read(new EnvReader(env));
    }

    /**
     * The {@code LATCHKEY_} variables of {@code env} that are no setting, found without reading their values: for the
     * warning that must also come when another variable's value stops start-up (a misspelt name may be why).
     */
    public static Set<String> unrecognisedIn(Map<String, String> env) {
        var everySetting = new EnvReader(Map.of());
        read(everySetting); // every setting is asked for, each with its default
        return new EnvReader(env, everySetting.asked()).unrecognised();
    }

    private static Config read(EnvReader reader) {
        Path dataDir = Path.of(reader.string("LATCHKEY_DATA_DIR", "./data"));
        String url = reader.string("LATCHKEY_DATABASE_URL", embeddedUrl(dataDir));
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new ConfigException("LATCHKEY_DATABASE_URL must be a jdbc:postgresql: or jdbc:h2: URL");
        }
        Optional<String> platformToken = reader.optional("LATCHKEY_PLATFORM_TOKEN");
        if (platformToken.isPresent() && platformToken.get().length() < PlatformToken.MIN_LENGTH) {
            throw new ConfigException("LATCHKEY_PLATFORM_TOKEN must be at least " + PlatformToken.MIN_LENGTH
                    + " characters long");
        }
        var smtp = new Smtp(
                reader.optional("LATCHKEY_SMTP_HOST"),
                reader.integer("LATCHKEY_SMTP_PORT", 25, 1, 65535),
                reader.optional("LATCHKEY_SMTP_USERNAME"),
                reader.optional("LATCHKEY_SMTP_PASSWORD"),
                smtpFrom(reader),
                reader.bool("LATCHKEY_SMTP_STARTTLS", false));
        var argon2 = new Argon2(
                reader.integer("LATCHKEY_ARGON2_MEMORY_KIB", Argon2.OWASP.memoryKib(), 1024, 4 * 1024 * 1024),
                reader.integer("LATCHKEY_ARGON2_ITERATIONS", Argon2.OWASP.iterations(), 1, 100),
                reader.integer("LATCHKEY_ARGON2_PARALLELISM", Argon2.OWASP.parallelism(), 1, 64));
        var hashPool = new HashPool(
                reader.integer("LATCHKEY_HASH_THREADS", Runtime.getRuntime().availableProcessors(), 1, 256),
                reader.integer("LATCHKEY_HASH_QUEUE", 64, 1, 100_000));
        return new Config(
                reader.integer("LATCHKEY_PORT", 8080, 0, 65535),
                dataDir,
                url,
                reader.string("LATCHKEY_DATABASE_USER", url.startsWith("jdbc:h2:") ? "sa" : ""),
                reader.string("LATCHKEY_DATABASE_PASSWORD", ""),
                reader.integer("LATCHKEY_DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, 2, 1_000),
                Duration.ofSeconds(reader.integer("LATCHKEY_DATABASE_SOCKET_TIMEOUT", 60, 1, 86_400)),
                Duration.ofSeconds(reader.integer("LATCHKEY_DATABASE_POOL_TIMEOUT", 10, 1, 300)),
                platformToken,
                smtp,
                argon2,
                hashPool,
                reader.bool("LATCHKEY_DEV_MAILBOX", false),
                new MailDelivery(
                        reader.integer("LATCHKEY_MAIL_POLL_MS", 1_000, 10, 60_000),
                        reader.integer("LATCHKEY_MAIL_RETRY_BASE_MS", 5_000, 10, 3_600_000),
                        reader.integer("LATCHKEY_MAIL_RETRY_MAX_MS", 3_600_000, 10, 86_400_000),
                        reader.integer("LATCHKEY_MAIL_MAX_ATTEMPTS", 20, 1, 1_000)),
                webhooks(reader),
                new Bulk(
                        reader.integer("LATCHKEY_EXPORT_PAGE_SIZE", 500, 1, 10_000),
                        reader.integer("LATCHKEY_IMPORT_BATCH", 100, 1, 10_000),
                        reader.integer("LATCHKEY_IMPORT_POLL_MS", 5_000, 10, 60_000),
                        reader.integer("LATCHKEY_IMPORT_SLICE_MS", 1_000, 0, 60_000)),
                reader.ranges("LATCHKEY_TRUSTED_PROXIES"),
                rateLimits(reader),
                reader.integer("LATCHKEY_AUDIT_RETENTION_DAYS", 365, 1, 36_500),
                redisUrl(reader),
                reader.bool("LATCHKEY_REQUEST_LOG", true),
                Duration.ofSeconds(reader.integer("LATCHKEY_HTTP_IDLE_TIMEOUT", 30, 1, 3_600)),
                reader.unrecognised());
    }

    /** The sender of every mail, checked here so that a typo stops start-up with one line, not a stack trace. */
    private static String smtpFrom(EnvReader reader) {
        String from = reader.string("LATCHKEY_SMTP_FROM", "Latchkey <no-reply@localhost>");
        try {
            new InternetAddress(from, true);
        } catch (AddressException e) {
            throw new ConfigException("LATCHKEY_SMTP_FROM must be one address such as 'Shop <shop@example.com>' (got '"
                    + from + "')");
        }
        return from;
    }

    /**
     * The defaults retry a delivery 15 times after the first attempt, 1 minute after it, doubling up to 12 hours
     * apart: the last attempt comes about 3 days (77 hours) after the event, as long as a receiver may be down for
     * a weekend and still receive everything.
     */
    private static Webhooks webhooks(EnvReader reader) {
        Optional<String> key = reader.optional("LATCHKEY_WEBHOOK_KEY");
        if (key.isPresent() && WebhookKey.decode(key.get()).isEmpty()) {
            // the value is not repeated: it is a secret
            throw new ConfigException("LATCHKEY_WEBHOOK_KEY must be at least " + WebhookKey.MIN_BYTES
                    + " random bytes in base64url, such as the output of: openssl rand -base64 32 | tr '+/' '-_'");
        }
        return new Webhooks(key,
                reader.bool("LATCHKEY_WEBHOOK_ALLOW_PRIVATE", false),
                reader.integer("LATCHKEY_WEBHOOK_POLL_MS", 1_000, 10, 60_000),
                reader.integer("LATCHKEY_WEBHOOK_RETRY_BASE_MS", 60_000, 10, 3_600_000),
                reader.integer("LATCHKEY_WEBHOOK_RETRY_MAX_MS", 43_200_000, 10, 86_400_000),
                reader.integer("LATCHKEY_WEBHOOK_MAX_ATTEMPTS", 16, 1, 100),
                reader.integer("LATCHKEY_WEBHOOK_DISABLE_AFTER", 5, 1, 1_000));
    }

    /** Rate-limit buckets shared by several nodes live in Redis when this is set. */
    private static Optional<String> redisUrl(EnvReader reader) {
        Optional<String> url = reader.optional("LATCHKEY_REDIS_URL");
        if (url.isPresent() && !wellFormedRedisUrl(url.get())) {
            // the value is not repeated: it may hold the Redis password
            throw new ConfigException("LATCHKEY_REDIS_URL must be a redis:// or rediss:// URL with a host and an "
                    + "optional port, such as redis://127.0.0.1:6379");
        }
        return url;
    }

    private static boolean wellFormedRedisUrl(String url) {
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            return false;
        }
        try {
            // a host with a port that is not a number is no server address: getHost() is null then
            return new URI(url).getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static RateLimitSettings rateLimits(EnvReader reader) {
        Map<LimitedAction, Quota> perIp = new EnumMap<>(LimitedAction.class);
        Map<LimitedAction, Quota> perAccount = new EnumMap<>(LimitedAction.class);
        for (LimitedAction action : LimitedAction.values()) {
            reader.quota(RateLimitSettings.envName(action, true), RateLimitSettings.DEFAULTS.perIp(action))
                    .ifPresent(quota -> perIp.put(action, quota));
            if (action.namesAccount()) {
                reader.quota(RateLimitSettings.envName(action, false), RateLimitSettings.DEFAULTS.perAccount(action))
                        .ifPresent(quota -> perAccount.put(action, quota));
            }
        }
        return new RateLimitSettings(perIp, perAccount);
    }

    /** Reads the variables it is asked for, and remembers which, to name the ones nobody asked for. */
    private record EnvReader(Map<String, String> env, Set<String> asked) {
        EnvReader(Map<String, String> env) {
            this(env, new HashSet<>());
        }

        /**
         * The {@code LATCHKEY_} variables set but never read: a misspelt name, or a limit that does not exist (a
         * per-account quota of guest sessions), would otherwise be ignored without a word. The test suite's own
         * variables are not the server's concern.
         */
        Set<String> unrecognised() {
            Set<String> unread = new TreeSet<>();
            env.keySet().stream().filter(name -> name.startsWith("LATCHKEY_") && !name.startsWith("LATCHKEY_TEST_"))
                    .filter(name -> !asked.contains(name)).forEach(unread::add);
            return Collections.unmodifiableSet(unread);
        }

        Optional<String> optional(String name) {
            asked.add(name);
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String string(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            long value = Text.wholeNumber(raw.get()).orElse((long) min - 1);
            if (value >= min && value <= max) {
                return (int) value;
            }
            throw new ConfigException(name + " must be a whole number from " + min + " to " + max
                    + " (got '" + raw.get() + "')");
        }

        /** A quota such as {@code 100/15m}; {@code off} turns the limit off. */
        Optional<Quota> quota(String name, Optional<Quota> fallback) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            if (raw.get().equalsIgnoreCase("off")) {
                return Optional.empty();
            }
            try {
                return Optional.of(Quota.parse(raw.get()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + ": " + e.getMessage() + " (got '" + raw.get() + "')");
            }
        }

        /** Comma-separated IP addresses or CIDR blocks; empty when unset. */
        List<IpRange> ranges(String name) {
            List<IpRange> ranges = new ArrayList<>();
            for (String item : optional(name).orElse("").split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                try {
                    ranges.add(IpRange.parse(item));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name + ": " + e.getMessage());
                }
            }
            return List.copyOf(ranges);
        }

        boolean bool(String name, boolean fallback) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            return switch (raw.get().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name + " must be true or false (also yes/no, on/off, 1/0; got '"
                        + raw.get() + "')");
            };
        }
    }
}
