package dev.latchkey.auth;

import dev.latchkey.db.LockConflict;
import dev.latchkey.tenant.TenantSettings;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.RowLocks;
import dev.latchkey.testing.TestDatabases;
import dev.latchkey.testing.Tokens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.latchkey.testing.Tokens.assertRefused;
import static dev.latchkey.testing.Tokens.introspect;
import static dev.latchkey.testing.Tokens.refresh;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On PostgreSQL, refreshes that arrive together are rotated in one statement and one commit ({@link TokenStore#rotateAll}
 * through {@link dev.latchkey.db.GroupCommit}); each must come out as if it had run alone. Many shoppers refreshing at
 * once through HTTP, on both databases, are in {@link TokenLifecycleTest}.
 */
class RotationBatchTest extends ApiTest {
    /** Long enough for a test's transaction to do its part while a batch waits for it, on a slow machine too. */
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    @BeforeAll
    static void onlyOnPostgres() {
        Assumptions.assumeTrue(TestDatabases.postgres(), "H2 cannot rotate in one statement: it takes the general way");
    }

    private final Fixtures.Tenant tenant = Fixtures.tenant(api);
    private final TokenStore store = new TokenStore();

    /** Every case the general way tells apart, in one batch: only the usable ones rotate, each in its place. */
    @Test
    void rotateAllWhenOneBatchHoldsEveryKindOfTokenThenOnlyTheUsableOnesRotate() {
        var usable = Fixtures.shopper(api, tenant);
        var second = Fixtures.shopper(api, tenant);
        var loggedOut = Fixtures.shopper(api, tenant);
        api.post("/v1/auth/logout").key(tenant.pk()).bearer(loggedOut.accessToken()).send().expect(204);
        var otherTenant = Fixtures.shopper(api, Fixtures.tenant(api));
        String anonymousRefresh = Tokens.anonymous(api, tenant).str("refresh_token");
        var used = Fixtures.shopper(api, tenant);
        refresh(api, tenant, used.refreshToken()).expect(200);
        Instant now = server.clock.instant().truncatedTo(ChronoUnit.MILLIS);

        List<TokenStore.Rotation> batch = List.of(
                rotation(usable.refreshToken(), SessionKind.CUSTOMER, now),
                rotation(usable.refreshToken(), SessionKind.CUSTOMER, now), // the same token twice
                rotation("rt_unknown", SessionKind.CUSTOMER, now),
                rotation(loggedOut.refreshToken(), SessionKind.CUSTOMER, now),
                rotation(otherTenant.refreshToken(), SessionKind.CUSTOMER, now),
                rotation(anonymousRefresh, SessionKind.CUSTOMER, now),
                rotation(used.refreshToken(), SessionKind.CUSTOMER, now),
                rotation(second.refreshToken(), SessionKind.CUSTOMER, now));
        var lockTimeoutAfter = new AtomicReference<String>();
        List<Optional<TokenStore.Rotated>> answers = server.app.database().withoutTransaction(h -> {
            var rotated = store.rotateAll(h, batch, LOCK_TIMEOUT);
            lockTimeoutAfter.set(h.createQuery("SHOW lock_timeout").mapTo(String.class).one());
            return rotated;
        });

        // the batch's lock timeout ended with its statement: the pooled connection is as it was
        assertThat(lockTimeoutAfter.get()).isEqualTo("0");

        // the same token twice: one of the two rotates (which one PostgreSQL picks is not defined), the other finds
        // nothing left to rotate and goes the general way, where the reuse rules apply
        assertThat(answers.subList(0, 2)).filteredOn(Optional::isPresent).hasSize(1);
        int winner = answers.get(0).isPresent() ? 0 : 1;
        assertRotated(answers.get(winner), usable);
        assertThat(answers.subList(2, 7)).allMatch(Optional::isEmpty);
        assertRotated(answers.get(7), second);
        // the new pairs work and the ones they replace do not; nothing else changed
        introspect(api, tenant, batch.get(winner).pair().access()).expect(200);
        introspect(api, tenant, batch.get(7).pair().access()).expect(200);
        introspect(api, tenant, batch.get(1 - winner).pair().access()).expect(401, "invalid_token");
        assertRefused(api, tenant, usable.accessToken());
        assertRefused(api, tenant, second.accessToken());
        refresh(api, tenant, batch.get(winner).pair().refresh()).expect(200);
        refresh(api, tenant, loggedOut.refreshToken()).expect(401, "invalid_token");
        Tokens.refreshAnonymous(api, tenant, anonymousRefresh).expect(200);
        refresh(api, otherTenant.tenant(), otherTenant.refreshToken()).expect(200);
    }

    private void assertRotated(Optional<TokenStore.Rotated> answer, Fixtures.Shopper shopper) {
        assertThat(answer).hasValueSatisfying(rotated -> {
            assertThat(rotated.sessionId()).isEqualTo(shopper.sessionId());
            assertThat(rotated.customerId()).isEqualTo(shopper.customerId());
            assertThat(rotated.owner().customer().email()).isEqualTo(shopper.email());
            assertThat(rotated.sessionLive()).isTrue();
        });
    }

    private TokenStore.Rotation rotation(String refreshToken, SessionKind kind, Instant now) {
        return new TokenStore.Rotation(tenant.id(), kind, Secrets.sha256(refreshToken), now,
                TokenService.Pair.create(Fixtures.settings(Map.of()), kind, now),
                kind == SessionKind.CUSTOMER ? TenantSettings.DEFAULTS.sessionMaxLifetime() : null);
    }

    /**
     * Two unused refresh tokens of one session (the second pair came from the grace window) in one batch, while a
     * transaction that holds the second token's row goes on to take the session's, as a single rotation does. The
     * batch locks every pair's row before any session's, so it waits without holding the session's row; had it taken
     * the session's row with the first token, the two would deadlock and one of them would fail.
     */
    @Test
    void rotateAllWhenAnotherRotationHoldsOneOfItsPairsThenWaitsForItWithoutDeadlock() throws Exception {
        var shopper = Fixtures.shopper(api, tenant);
        String first = refresh(api, tenant, shopper.refreshToken()).expect(200).str("refresh_token");
        String second = refresh(api, tenant, shopper.refreshToken()).expect(200).str("refresh_token"); // in grace
        Instant now = server.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<TokenStore.Rotation> batch = List.of(rotation(first, SessionKind.CUSTOMER, now),
                rotation(second, SessionKind.CUSTOMER, now));

        List<Optional<TokenStore.Rotated>> answers = RowLocks.commitWhileWaiting(server,
                new RowLocks.Sql("UPDATE token_pairs SET created_at = created_at WHERE refresh_hash = decode(?, 'hex')",
                        Secrets.sha256(second)),
                () -> server.app.database().withoutTransaction(h -> store.rotateAll(h, batch, LOCK_TIMEOUT)),
                new RowLocks.Sql("UPDATE sessions SET last_used_at = last_used_at WHERE tenant_id = ? AND id = ?",
                        tenant.id(), shopper.sessionId()));

        assertThat(answers).allSatisfy(answer -> assertThat(answer).hasValueSatisfying(rotated ->
                assertThat(rotated.sessionId()).isEqualTo(shopper.sessionId())));
        introspect(api, tenant, batch.get(0).pair().access()).expect(200);
        introspect(api, tenant, batch.get(1).pair().access()).expect(200);
    }

    /**
     * A refresh whose session's row another transaction holds: its batch gives up after the lock timeout and it waits
     * alone, the general way, while the refreshes after it go on in batches of their own. Without the timeout the one
     * thread that runs the batches would wait, and every refresh of the node with it, until that transaction ends.
     */
    @Test
    void refreshWhenAnotherTransactionHoldsItsSessionThenOnlyThatRefreshWaits() throws Exception {
        var held = Fixtures.shopper(api, tenant);
        var other = Fixtures.shopper(api, tenant);
        try (Connection holder = server.app.database().dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement(
                    "UPDATE sessions SET last_used_at = last_used_at WHERE tenant_id = ? AND id = ?")) {
                lock.setString(1, tenant.id());
                lock.setString(2, held.sessionId());
                assertThat(lock.executeUpdate()).isEqualTo(1);
            }
            CompletableFuture<Api.Res> waiting = CompletableFuture.supplyAsync(
                    () -> refresh(api, tenant, held.refreshToken()));
            Await.until(() -> lockWaits() > 0, 5_000, "the held session's refresh waits for its row");

            Api.Res otherAnswer = CompletableFuture.supplyAsync(() -> refresh(api, tenant, other.refreshToken()))
                    .get(10, TimeUnit.SECONDS);

            otherAnswer.expect(200);
            assertThat(waiting).isNotDone();
            holder.commit();
            Api.Res heldAnswer = waiting.get(10, TimeUnit.SECONDS).expect(200);
            assertThat(heldAnswer.str("session_id")).isEqualTo(held.sessionId());
            introspect(api, tenant, heldAnswer.str("access_token")).expect(200);
            assertRefused(api, tenant, held.accessToken());
        }
    }

    /**
     * A batch that waits longer than its lock timeout for a row is rolled back whole, with an error the service takes
     * for a lock conflict, and the timeout ends with it: the pooled connection goes back as it was.
     */
    @Test
    void rotateAllWhenARowIsHeldLongerThanTheLockTimeoutThenFailsAsALockConflictAndWritesNothing() throws Exception {
        var held = Fixtures.shopper(api, tenant);
        var free = Fixtures.shopper(api, tenant);
        Instant now = server.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<TokenStore.Rotation> batch = List.of(rotation(free.refreshToken(), SessionKind.CUSTOMER, now),
                rotation(held.refreshToken(), SessionKind.CUSTOMER, now));
        var failure = new AtomicReference<RuntimeException>();
        var lockTimeoutAfter = new AtomicReference<String>();
        try (Connection holder = server.app.database().dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement(
                    "UPDATE token_pairs SET created_at = created_at WHERE refresh_hash = decode(?, 'hex')")) {
                lock.setString(1, Secrets.sha256(held.refreshToken()));
                assertThat(lock.executeUpdate()).isEqualTo(1);
            }

            server.app.database().withoutTransaction(h -> {
                try {
                    store.rotateAll(h, batch, Duration.ofMillis(100));
                } catch (RuntimeException e) {
                    failure.set(e);
                }
                lockTimeoutAfter.set(h.createQuery("SHOW lock_timeout").mapTo(String.class).one());
                return null;
            });

            holder.rollback();
        }
        assertThat(failure.get()).isNotNull().matches(LockConflict::is, "a lock conflict");
        assertThat(lockTimeoutAfter.get()).isEqualTo("0");
        // rolled back whole: the free token, rotated before the wait, is still unused, and both old pairs still work
        introspect(api, tenant, free.accessToken()).expect(200);
        introspect(api, tenant, held.accessToken()).expect(200);
        introspect(api, tenant, batch.get(0).pair().access()).expect(401, "invalid_token");
        refresh(api, tenant, free.refreshToken()).expect(200);
        refresh(api, tenant, held.refreshToken()).expect(200);
    }

    /**
     * The batch statement is planned on each run and never kept as a prepared statement of the connection, whose one
     * generic plan, made while the tables were small and never made again without fresh statistics, once scanned
     * whole tables for every rotation of a batch. The driver prepares a statement on the server from its fifth run.
     */
    @Test
    void rotateAllWhenRunManyTimesOnOneConnectionThenNeverPreparedOnTheServer() {
        List<Fixtures.Shopper> shoppers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            shoppers.add(Fixtures.shopper(api, tenant));
        }
        Instant now = server.clock.instant().truncatedTo(ChronoUnit.MILLIS);

        int prepared = server.app.database().withoutTransaction(h -> {
            for (Fixtures.Shopper shopper : shoppers) {
                assertThat(store.rotateAll(h, List.of(rotation(shopper.refreshToken(), SessionKind.CUSTOMER, now)),
                        LOCK_TIMEOUT)).allMatch(Optional::isPresent);
            }
            return h.createQuery("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE '%unnest(%'")
                    .mapTo(Integer.class).one();
        });

        assertThat(prepared).isZero();
    }

    private int lockWaits() {
        return server.app.database().read(h -> h.createQuery("SELECT COUNT(*) FROM pg_stat_activity "
                + "WHERE wait_event_type = 'Lock' AND datname = current_database()").mapTo(Integer.class).one());
    }
}
