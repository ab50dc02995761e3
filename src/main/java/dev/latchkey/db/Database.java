package dev.latchkey.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.config.Config;
import dev.latchkey.config.DataFolder;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** The connection pool, the schema migrations and the two ways of running SQL: in a transaction or not. */
public final class Database implements AutoCloseable {
    private final CompletableFuture<Pool> opening;
    /** The pool once {@link #opening} has completed: read on every statement, so kept apart from the future. */
    private volatile Pool pool;
    private final boolean postgres;
    private static final Duration UP_WITHIN = Duration.ofSeconds(2);
    /** What the thread's transaction of {@link #tx} runs after its commit, once its connection is released. */
    private static final ThreadLocal<AfterRelease> afterRelease = new ThreadLocal<>();
    private CompletableFuture<Boolean> upCheck;

    /** What a transaction of {@link #tx} runs after its commit, and the keys of {@link #afterCommitEach} among it. */
    private record AfterRelease(List<Runnable> actions, Set<Object> keys) {
        AfterRelease() {
            this(new ArrayList<>(), new HashSet<>());
        }
    }

    /** The connection pool, on a schema its migrations have brought up to date. */
    private record Pool(HikariDataSource dataSource, Jdbi jdbi) {
        Pool(HikariDataSource dataSource) {
            this(dataSource, Jdbi.create(dataSource));
            // Bound values can be secrets (a token waiting in the mail outbox), and failures get logged: a failed
            // statement's message names its SQL, never its values.
            jdbi.getConfig(StatementExceptions.class).setMessageRendering(e -> e.getStatementContext() == null
                    ? e.getShortMessage()
                    : e.getShortMessage() + " [statement:\"" + e.getStatementContext().getRenderedSql() + "\"]");
        }
    }

    private Database(CompletableFuture<Pool> opening, boolean postgres) {
        this.opening = opening;
        this.postgres = postgres;
    }

    /** Opens the pool and migrates the schema, and returns once both are done (or throws what stopped them). */
    public static Database open(Config config) {
        Database db = opening(config);
        db.awaitOpen();
        return db;
    }

    /**
     * Starts opening the pool and migrating the schema on a thread of their own and returns at once, so that the
     * server can build everything else meanwhile (on H2 the two are about a third of the start-up's own work). The
     * first statement, and {@link #awaitOpen}, wait for them; the server listens only once {@link #awaitOpen} has
     * returned.
     */
    public static Database opening(Config config) {
        if (config.embeddedDatabase()) {
            // before H2 makes it, with the process's default mode, and before anything else writes into it
            DataFolder.create(config.dataDir());
        }
        var opening = new CompletableFuture<Pool>();
        Thread.ofPlatform().name("latchkey-database-open").start(() -> {
            try {
                opening.complete(new Pool(migrated(config)));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        });
        return new Database(opening, config.isPostgres());
    }

    /**
     * Waits until the pool is open on a migrated schema; throws what stopped either (the database cannot be reached,
     * a migration failed or does not match the one applied).
     */
    public void awaitOpen() {
        pool();
    }

    private Pool pool() {
        Pool open = pool;
        if (open != null) {
            return open;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    open = opening.get();
                    break;
                } catch (InterruptedException e) {
                    // the opening ends by itself within its timeouts; the interrupt is kept for the caller
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        pool = open;
        return open;
    }

    /** The pool, its first connection open, on the schema its migrations have brought up to date. */
    private static HikariDataSource migrated(Config config) {
        var hikari = new HikariConfig();
        hikari.setJdbcUrl(config.databaseUrl());
        hikari.setUsername(config.databaseUser());
        hikari.setPassword(config.databasePassword());
        hikari.setMaximumPoolSize(config.databasePoolSize());
        hikari.setPoolName("latchkey");
        // How long a request waits for a connection: when none can be had (the database is down, or every connection
        // is busy for that long), it is answered 503 instead of holding the client for the pool's default 30 s.
        hikari.setConnectionTimeout(config.databasePoolTimeout().toMillis());
        if (config.isPostgres()) {
            // Otherwise the driver's messages quote the failing row, which can hold a secret or personal data.
            hikari.addDataSourceProperty("logServerErrorDetail", "false");
            // A connection whose server vanished without closing it (a host lost in a failover, a dropped route)
            // would block its request, and keep its place in the pool, until the kernel gives up on it hours later:
            // a few of those and the node serves nothing. Bounded, the driver closes it and the pool opens another.
            // A socketTimeout in the URL takes precedence.
            hikari.addDataSourceProperty("socketTimeout", String.valueOf(config.databaseSocketTimeout().toSeconds()));
        } else if (!config.databaseUrl().toUpperCase(Locale.ROOT).contains("QUERY_CACHE_SIZE")) {
            // H2 keeps each connection's recent statements parsed, and a kept statement of the customer search (three
            // indexes' matches in a UNION) held on to about 6 MB more with every run: 250 searches of a shop of 20,000
            // customers filled a 1 GB heap and ended the node. Parsing each statement anew costs far less.
            hikari.addDataSourceProperty("QUERY_CACHE_SIZE", "0");
        }
        var dataSource = new HikariDataSource(hikari);
        try {
            migrations(config.isPostgres() ? unboundedPostgres(config) : dataSource, config.isPostgres(),
                    config.argon2()).load().migrate();
            StoredPasswordCosts.afterParameterChange(dataSource, config.argon2());
            DataFolder.restrictEmbeddedDatabase(config);
        } catch (RuntimeException | Error e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    /**
     * Connections for the migrations alone, without the pool's socket timeout: building an index on a large table may
     * rightly take longer than any request's statement.
     */
    private static DataSource unboundedPostgres(Config config) {
        var migrating = new PGSimpleDataSource();
        migrating.setURL(config.databaseUrl());
        // empty means "as the URL says", as for the pool
        if (!config.databaseUser().isEmpty()) {
            migrating.setUser(config.databaseUser());
        }
        if (!config.databasePassword().isEmpty()) {
            migrating.setPassword(config.databasePassword());
        }
        migrating.setLogServerErrorDetail(false);
        return migrating;
    }

    /**
     * The schema's migrations for this engine, to be run on {@code dataSource}; {@code argon2} tells V70 which stored
     * password hashes are Latchkey's own.
     */
    static FluentConfiguration migrations(DataSource dataSource, boolean postgres, Config.Argon2 argon2) {
        // The engine differences the schema names: PostgreSQL answers LIKE 'prefix%' from an index only with this
        // operator class (unless the database collation is C), while H2 compares by code point and needs none; and
        // V34 builds the newest-first lists' indexes descending on H2, which reads an index in its own order only;
        // V57 gives H2's text columns room for their limits in characters, as H2 counts UTF-16 units; V64 builds the
        // customer flags' indexes as V34 builds the others; V66 indexes the impersonations' sessions alone on
        // PostgreSQL, where an index may be partial. V70 computes the stored hashes' costs as the code does.
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                .javaMigrations(new V15__EmailNormalForm(), new V18__TokenPairsFromTokens(),
                        new V23__NamesComposedForm(), new V34__DescendingListIndexes(),
                        new V57__TextColumnsInCharacters(), new V64__CustomerFlagIndexes(),
                        new V66__ImpersonatorIndex(), new V70__StoredPasswordCosts(argon2))
                .placeholders(Map.of("pattern_ops", postgres ? "varchar_pattern_ops" : ""));
    }

    /**
     * Lets the transaction on {@code h} commit without waiting for the database's disk flush (PostgreSQL; H2 has no
     * such wait to skip). For the answers that must take as long whether or not an address has an account (forgot
     * password, verification resend): a transaction that wrote or locked a row waits for the flush, milliseconds on
     * some disks, and one that only read does not. What such a transaction writes (a token and its mail) can be lost
     * only if the database crashes in the moment after the commit, when the shopper asks again.
     */
    public void commitWithoutFlushWait(Handle h) {
        if (postgres) {
            h.execute("SET LOCAL synchronous_commit = off");
        }
    }

    /** For the few statements that lock differently on the two engines (see TokenStore). */
    public boolean isPostgres() {
        return postgres;
    }

    public <T> T tx(HandleCallback<T, RuntimeException> work) {
        if (afterRelease.get() != null) {
            // JDBI runs a transaction begun inside another on the same handle, as part of it: its commit is the
            // outer one's, and so is the list of what follows
            return pool().jdbi().inTransaction(work);
        }
        AfterRelease pending = new AfterRelease();
        afterRelease.set(pending);
        T result;
        try {
            result = pool().jdbi().inTransaction(work);
        } finally {
            afterRelease.remove();
        }
        runAll(pending.actions());
        return result;
    }

    /**
     * Runs every action even when one fails, since each may be an eviction that must not be skipped; then throws the
     * first failure, with the later ones suppressed in it.
     */
    private static void runAll(List<Runnable> actions) {
        RuntimeException failure = null;
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public <T> T read(HandleCallback<T, RuntimeException> work) {
        return pool().jdbi().withHandle(work);
    }

    public void run(java.util.function.Consumer<Handle> work) {
        pool().jdbi().useHandle(work::accept);
    }

    /**
     * Work outside a transaction, each statement committing as it completes: for one statement that writes and
     * answers rows (PostgreSQL's data-modifying WITH), where a transaction would only add the round trip of its
     * commit. Like {@link #read}, but it writes, so it must go to the primary.
     */
    public <T> T withoutTransaction(HandleCallback<T, RuntimeException> work) {
        return pool().jdbi().withHandle(work);
    }

    /**
     * Runs {@code action} once {@code h}'s transaction has committed, or now when {@code h} is in none. In a transaction
     * of {@link #tx} it runs once the connection is back in the pool: an action that waits (a revocation waiting for
     * the other nodes' acknowledgements) then holds no connection that others need meanwhile.
     */
    public static void afterCommit(Handle h, Runnable action) {
        if (!h.isInTransaction()) {
            action.run();
            return;
        }
        AfterRelease pending = afterRelease.get();
        h.afterCommit(pending == null ? action : () -> pending.actions().add(action));
    }

    /**
     * {@link #afterCommit} for an action about {@code keys} that each need it once (cache invalidations: two writes of
     * one transaction to a customer's row, or a write and the end of their sessions, have the nodes forget the customer
     * once). In a transaction of {@link #tx} the keys that an earlier call of the same transaction registered are left
     * out, and the action runs for the keys left, if any.
     */
    public static <K> void afterCommitEach(Handle h, List<K> keys, Consumer<List<K>> action) {
        AfterRelease pending = h.isInTransaction() ? afterRelease.get() : null;
        if (pending == null) {
            afterCommit(h, () -> action.accept(keys));
            return;
        }
        h.afterCommit(() -> {
            List<K> fresh = keys.stream().filter(pending.keys()::add).toList();
            if (!fresh.isEmpty()) {
                pending.actions().add(() -> action.accept(fresh));
            }
        });
    }

    /**
     * Whether a connection can be had and answers, within {@link #UP_WITHIN}: the pool would otherwise wait its
     * 30 s connection timeout for a database that stopped answering, far longer than any probe waits. One check
     * runs at a time; probes that come while it runs wait for its answer instead of queueing more.
     */
    public boolean isUp() {
        CompletableFuture<Boolean> check;
        synchronized (this) {
            if (upCheck == null || upCheck.isDone()) {
                upCheck = CompletableFuture.supplyAsync(this::answers, task -> Thread.ofVirtual().start(task));
            }
            check = upCheck;
        }
        try {
            return check.get(UP_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean answers() {
        try (var connection = pool().dataSource().getConnection()) {
            return connection.isValid((int) UP_WITHIN.toSeconds());
        } catch (Exception e) {
            return false;
        }
    }

    public javax.sql.DataSource dataSource() {
        return pool().dataSource();
    }

    /** Timestamps are bound as UTC offsets so that both engines store the same instant whatever the JVM zone. */
    public static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    @Override
    public void close() {
        Pool open;
        try {
            open = pool();
        } catch (RuntimeException | Error e) {
            // it never opened: nothing to close
            return;
        }
        open.dataSource().close();
    }
}
