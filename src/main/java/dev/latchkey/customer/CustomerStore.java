package dev.latchkey.customer;

import dev.latchkey.db.Database;
import dev.latchkey.http.Cursor;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** SQL for customer rows. Every statement names the tenant. */
public final class CustomerStore {
    /** Matches of a search term per index up to which they are collected and sorted (see {@link #list}). */
    static final int COLLECT_UP_TO = 20_000;
    private final boolean postgres;
    private final int collectUpTo;

    public CustomerStore(boolean postgres) {
        this(postgres, COLLECT_UP_TO);
    }

    /** With another bound between collecting a search's matches and walking to them (tests). */
    CustomerStore(boolean postgres, int collectUpTo) {
        this.postgres = postgres;
        this.collectUpTo = collectUpTo;
    }

    /** The columns of a search term's matches that the filter's conditions read. */
    private static final String MATCH_COLUMNS = "id, created_at, status, accepts_marketing, email_verified, "
            + "marketing_state ";

    private static final String PROFILE_COLUMNS = "first_name, last_name, title, phone, company, preferred_language, "
            + "preferred_currency, preferred_site, accepts_marketing, accepts_marketing_updated_at, marketing_state, "
            + "marketing_opt_in_level, marketing_consent_updated_at, attributes, search_name, search_last_name";
    private static final String SET_PROFILE = "first_name = :first_name, last_name = :last_name, title = :title, "
            + "phone = :phone, company = :company, preferred_language = :preferred_language, "
            + "preferred_currency = :preferred_currency, preferred_site = :preferred_site, "
            + "accepts_marketing = :accepts_marketing, accepts_marketing_updated_at = :accepts_marketing_updated_at, "
            + "marketing_state = :marketing_state, marketing_opt_in_level = :marketing_opt_in_level, "
            + "marketing_consent_updated_at = :marketing_consent_updated_at, attributes = :attributes, "
            + "search_name = :search_name, search_last_name = :search_last_name";

    /** {@code passwordCost}: see {@link #setPassword}. */
    public void insert(Handle h, Customer c, String passwordCost) {
        var update = h.createUpdate("INSERT INTO customers (tenant_id, id, email, email_verified, status, password_hash, "
                + "password_cost, " + PROFILE_COLUMNS + ", note, created_at, updated_at, version) "
                + "VALUES (:tenant, :id, :email, :verified, :status, :hash, :cost, :first_name, :last_name, :title, "
                + ":phone, :company, :preferred_language, :preferred_currency, "
                + ":preferred_site, :accepts_marketing, :accepts_marketing_updated_at, :marketing_state, "
                + ":marketing_opt_in_level, :marketing_consent_updated_at, :attributes, :search_name, "
                + ":search_last_name, :note, :created, :updated, :version)")
                .bind("tenant", c.tenantId())
                .bind("id", c.id())
                .bind("email", c.email())
                .bind("verified", c.emailVerified())
                .bind("status", c.status().wire())
                .bind("hash", c.passwordHash())
                .bind("cost", passwordCost)
                .bind("note", c.note())
                .bind("created", Database.ts(c.createdAt()))
                .bind("updated", Database.ts(c.updatedAt()))
                .bind("version", c.version());
        bindProfile(update, c.profile()).execute();
    }

    /** The columns {@link #withActiveCart} maps, for a query that joins {@code customers c} and {@link #ACTIVE_CART}. */
    public static final String WITH_ACTIVE_CART_COLUMNS = "c.*, k.id AS active_cart_id";
    /** Joins the active cart, if any, of the customer {@code c}. */
    public static final String ACTIVE_CART = "LEFT JOIN carts k ON k.tenant_id = c.tenant_id AND k.active_owner = c.id";

    /**
     * The customer and the id of their active cart (null without one), in one read: every token answer shows both. A
     * customer's active cart is the one whose {@code active_owner} is the customer's id (see the carts table).
     */
    public Optional<CustomerWithCart> findWithActiveCart(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT " + WITH_ACTIVE_CART_COLUMNS + " FROM customers c " + ACTIVE_CART
                        + " WHERE c.tenant_id = :tenant AND c.id = :id")
                .bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> withActiveCart(rs)).findOne();
    }

    /** Maps a row of {@link #WITH_ACTIVE_CART_COLUMNS}, here or in another store's join. */
    public static CustomerWithCart withActiveCart(ResultSet rs) throws SQLException {
        return new CustomerWithCart(customer(rs), rs.getString("active_cart_id"));
    }

    public Optional<Customer> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> customer(rs)).findOne();
    }

    /** The customers of these ids that exist, in one query. */
    public List<Customer> findAll(Handle h, String tenantId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> customer(rs)).list();
    }

    /**
     * A page of the tenant's customers, newest first, after {@code before} when given.
     * <p>A search term's matches are read from the email and name-key indexes and only they are sorted, when there are
     * fewer than {@link #COLLECT_UP_TO} for each index: cheap whatever their age. A term with more is looked for by
     * walking the customers newest first to the page's last match, since collecting and sorting every match of a
     * common prefix took seconds (all of a million customers for "u", 2 s). Counting first is needed on PostgreSQL:
     * with one condition for the three indexes, its planner weighed the matches by its statistics, and walked for a
     * term whose matches were all older than a million other customers (0.6 to 2 s a page, against 40 ms). Without a
     * term, and when walking, the page is read along the index of the creation time, or of the status and the creation
     * time (see V34); how each index is read for a term's matches is {@link TermMatches}'s.
     * <p>Tags ({@code ?tag=}) are alike: without a term that few customers match, the customers of the filter's rarest
     * tag are read from the tags' index (V42) and sorted, when it has fewer than {@link #COLLECT_UP_TO}; with more, the
     * customers are walked newest first, each checked for the tags by its key.
     * <p>Whether the customer accepts email marketing, whether their email is verified, and the consent's state
     * ({@code marketing_state}) are each read along an index of that value and the creation time (V64), as the status
     * is: a page reads its own rows whatever share of the shop the value keeps, and an empty page none, where walking
     * the customers and checking each read the whole shop for a value no customer has. With several of these filters
     * PostgreSQL reads along the index its statistics find the most selective; H2 along the one {@link #walked}
     * names.
     */
    public List<Customer> list(Handle h, String tenantId, CustomerFilter filter, Cursor before, int limit) {
        TermMatches term = filter.query() == null ? null : new TermMatches(filter.query(), postgres);
        List<String> conditions = new ArrayList<>();
        if (filter.status() != null) {
            conditions.add("c.status = :status");
        }
        conditions.addAll(flags(filter));
        if (before != null) {
            conditions.add("(c.created_at, c.id) < (:at, :after)");
        }
        String sql;
        int driver;
        if (term != null && !manyMatches(h, tenantId, term)) {
            conditions.addAll(hasTags(filter, -1));
            // the page is cut from the matches as the indexes found them, and only its rows are read again
            sql = "SELECT c.* FROM (SELECT id FROM (SELECT " + MATCH_COLUMNS + term.byEmail()
                    + " UNION SELECT " + MATCH_COLUMNS + term.byName()
                    + " UNION SELECT " + MATCH_COLUMNS + term.byLastName() + ") c"
                    + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                    + " ORDER BY c.created_at DESC, c.id DESC LIMIT :limit"
                    + ") m JOIN customers c ON c.tenant_id = :tenant AND c.id = m.id "
                    + "ORDER BY c.created_at DESC, c.id DESC";
        } else if ((driver = fewestTagged(h, tenantId, filter)) >= 0) {
            // the customers of the rarest tag, read from the tags' index: only they are joined and sorted
            conditions.addAll(hasTags(filter, driver));
            if (term != null) {
                conditions.add(term.anyKey());
            }
            sql = "SELECT c.* FROM " + byTag(driver, conditions) + " ORDER BY c.created_at DESC, c.id DESC LIMIT :limit";
        } else {
            if (term != null) {
                conditions.add(term.anyKey());
            }
            conditions.addAll(hasTags(filter, -1));
            conditions.addFirst("c.tenant_id = :tenant");
            // the columns of the index the page is read along, all descending (see V34)
            sql = "SELECT c.* FROM customers c WHERE " + String.join(" AND ", conditions)
                    + " ORDER BY c.tenant_id DESC, " + walked(filter).map(column -> column + " DESC, ").orElse("")
                    + "c.created_at DESC, c.id DESC LIMIT :limit";
        }
        var query = h.createQuery(sql).bind("tenant", tenantId).bind("limit", limit);
        if (term != null) {
            term.bind(query);
        }
        bindTags(query, filter);
        bindFlags(query, filter);
        if (filter.status() != null) {
            query.bind("status", filter.status().wire());
        }
        if (before != null) {
            query.bind("at", Database.ts(before.at())).bind("after", before.id());
        }
        return query.map((rs, ctx) -> customer(rs)).list();
    }

    /**
     * The column of the index a page of {@code filter} is read along, besides the creation time (V64) or, for
     * {@link #changedSince}, the change's time (V69): that of the status, else of the consent's state, of the
     * verification or of the marketing flag, the first the filter names a value of; none without any (the time's own
     * index). PostgreSQL skips the columns that equal one value in an ORDER BY and picks among the indexes itself; H2
     * reads the index whose columns the ORDER BY names (see V34).
     */
    private static Optional<String> walked(CustomerFilter filter) {
        if (filter.status() != null) {
            return Optional.of("c.status");
        }
        if (filter.marketingState() != null) {
            return Optional.of("c.marketing_state");
        }
        if (filter.emailVerified() != null) {
            return Optional.of("c.email_verified");
        }
        return Optional.ofNullable(filter.acceptsMarketing() == null ? null : "c.accepts_marketing");
    }

    /**
     * The filter's conditions on the marketing consent (the flag and the state) and email verification of the customer
     * {@code c}.
     */
    private static List<String> flags(CustomerFilter filter) {
        List<String> conditions = new ArrayList<>();
        if (filter.acceptsMarketing() != null) {
            conditions.add("c.accepts_marketing = :acceptsMarketing");
        }
        if (filter.emailVerified() != null) {
            conditions.add("c.email_verified = :emailVerified");
        }
        if (filter.marketingState() != null) {
            conditions.add("c.marketing_state = :marketingState");
        }
        return conditions;
    }

    private static void bindFlags(SqlStatement<?> statement, CustomerFilter filter) {
        if (filter.acceptsMarketing() != null) {
            statement.bind("acceptsMarketing", filter.acceptsMarketing());
        }
        if (filter.emailVerified() != null) {
            statement.bind("emailVerified", filter.emailVerified());
        }
        if (filter.marketingState() != null) {
            statement.bind("marketingState", filter.marketingState().wire());
        }
    }

    /** A condition per tag of the filter but the one at {@code except}: the customer {@code c} has it. */
    private static List<String> hasTags(CustomerFilter filter, int except) {
        List<String> conditions = new ArrayList<>();
        for (int i = 0; i < filter.tags().size(); i++) {
            if (i != except) {
                conditions.add("EXISTS (SELECT 1 FROM customer_tags t" + i + " WHERE t" + i + ".tenant_id = :tenant"
                        + " AND t" + i + ".customer_id = c.id AND t" + i + ".tag_key = :tag" + i + ")");
            }
        }
        return conditions;
    }

    private static void bindTags(SqlStatement<?> statement, CustomerFilter filter) {
        for (int i = 0; i < filter.tags().size(); i++) {
            statement.bind("tag" + i, filter.tags().get(i));
        }
    }

    /**
     * The position of the filter's tag with the fewest customers, when it has fewer than {@link #COLLECT_UP_TO}; else,
     * or without tags, -1: the customers are walked newest first instead, as for a common search term. Each tag is
     * counted up to the fewest counted before it only.
     */
    private int fewestTagged(Handle h, String tenantId, CustomerFilter filter) {
        int fewest = -1;
        long least = collectUpTo;
        for (int i = 0; i < filter.tags().size() && least > 0; i++) {
            long count = h.createQuery("SELECT COUNT(*) FROM (SELECT 1 FROM customer_tags WHERE tenant_id = :tenant "
                            + "AND tag_key = :tag LIMIT :upTo) d")
                    .bind("tenant", tenantId).bind("tag", filter.tags().get(i)).bind("upTo", least)
                    .mapTo(Long.class).one();
            if (count < least) {
                least = count;
                fewest = i;
            }
        }
        return fewest;
    }

    /**
     * The customers changed at or after {@code since}, oldest change first (updated_at, then id), after the cursor's
     * position; of the filter's status, tags and flags (its search term is not for this order). Without a tag that
     * fewer than {@link #COLLECT_UP_TO} customers have, the page is read along the index of the change's time, or of the
     * status, a flag or the consent's state and the change's time (V69: {@link #walked} names which), and the order
     * names every column of that index: H2 reads rows in an index's order only for an ORDER BY that starts as the index
     * does (see V34). Along the time's index alone, a filtered page read every customer changed since then and checked
     * each, all of them for a value none has.
     */
    public List<Customer> changedSince(Handle h, String tenantId, Instant since, CustomerFilter filter, Cursor after,
                                       int limit) {
        Customer.Status status = filter.status();
        int driver = fewestTagged(h, tenantId, filter);
        List<String> conditions = new ArrayList<>(List.of("c.updated_at >= :since"));
        if (status != null) {
            conditions.add("c.status = :status");
        }
        conditions.addAll(flags(filter));
        if (after != null) {
            conditions.add("(c.updated_at, c.id) > (:at, :after)");
        }
        conditions.addAll(hasTags(filter, driver));
        // with a tag few customers have, its customers are read from the tags' index and sorted, as in list
        String sql = driver < 0
                ? "SELECT c.* FROM customers c WHERE c.tenant_id = :tenant AND " + String.join(" AND ", conditions)
                        + " ORDER BY c.tenant_id, " + walked(filter).map(column -> column + ", ").orElse("")
                        + "c.updated_at, c.id LIMIT :limit"
                : "SELECT c.* FROM " + byTag(driver, conditions) + " ORDER BY c.updated_at, c.id LIMIT :limit";
        var query = h.createQuery(sql).bind("tenant", tenantId).bind("since", Database.ts(since)).bind("limit", limit);
        bindTags(query, filter);
        bindFlags(query, filter);
        if (status != null) {
            query.bind("status", status.wire());
        }
        if (after != null) {
            query.bind("at", Database.ts(after.at())).bind("after", after.id());
        }
        return query.map((rs, ctx) -> customer(rs)).list();
    }

    /**
     * FROM and WHERE of the customers {@code c} with the filter's tag at {@code driver}, read from the tags' index and
     * then each by its primary key, and of the {@code conditions} on them. On H2 the conditions are given as one CASE,
     * from which it takes no index condition: a cursor's time or {@code updated_since} made it read the customers'
     * index of that time for each tagged customer instead (5,000 rows for 10 customers).
     */
    private String byTag(int driver, List<String> conditions) {
        String those = String.join(" AND ", conditions);
        return "customer_tags d" + (postgres ? "" : " USE INDEX (customer_tags_by_tag)")
                + " JOIN customers c ON c.tenant_id = d.tenant_id AND c.id = d.customer_id"
                + " WHERE d.tenant_id = :tenant AND d.tag_key = :tag" + driver
                + (conditions.isEmpty() ? "" : postgres ? " AND " + those
                        : " AND CASE WHEN " + those + " THEN TRUE ELSE FALSE END");
    }

    /** Whether one of the three indexes holds {@link #COLLECT_UP_TO} matches or more, counted up to that only. */
    private boolean manyMatches(Handle h, String tenantId, TermMatches term) {
        var count = h.createQuery("SELECT GREATEST("
                        + "(SELECT COUNT(*) FROM (SELECT 1 " + term.byEmail() + " LIMIT :upTo) e), "
                        + "(SELECT COUNT(*) FROM (SELECT 1 " + term.byName() + " LIMIT :upTo) n), "
                        + "(SELECT COUNT(*) FROM (SELECT 1 " + term.byLastName() + " LIMIT :upTo) l))")
                .bind("tenant", tenantId).bind("upTo", collectUpTo);
        term.bind(count);
        return count.mapTo(Long.class).one() >= collectUpTo;
    }

    public Optional<Customer> findByEmail(Handle h, String tenantId, String email) {
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND email = :email")
                .bind("tenant", tenantId).bind("email", email)
                .map((rs, ctx) -> customer(rs)).findOne();
    }

    /** The row, locked until the transaction ends: changes to one customer's credentials happen one at a time. */
    public Optional<Customer> findForUpdate(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND id = :id FOR UPDATE")
                .bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> customer(rs)).findOne();
    }

    /** {@link #findForUpdate}, with columns of the same row that another feature keeps, read by {@code alongside}. */
    public <X> Optional<CustomerService.Locked<X>> findForUpdate(Handle h, String tenantId, String id,
                                                                 RowMapper<X> alongside) {
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND id = :id FOR UPDATE")
                .bind("tenant", tenantId).bind("id", id)
                .map((rs, ctx) -> new CustomerService.Locked<>(customer(rs), alongside.map(rs, ctx))).findOne();
    }

    /**
     * The tenant's customers of these ids, locked until {@code h}'s transaction ends, in id order: the order in which
     * two bulk changes (and a bulk change and a single one, which locks one row) take them, so that they cannot
     * deadlock. An id of no customer of the tenant is not among them.
     */
    public List<Customer> findAllForUpdate(Handle h, String tenantId, Collection<String> ids) {
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND id IN (<ids>) ORDER BY id "
                        + "FOR UPDATE")
                .bind("tenant", tenantId).bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> customer(rs)).list();
    }

    /**
     * Marks these customers changed (their tags, and their status to {@code status} unless it is null), in one
     * statement: {@code updated_at} and {@code version} move as a single change moves them.
     */
    public void touchAll(Handle h, String tenantId, Collection<String> ids, Customer.Status status, Instant at) {
        h.createUpdate("UPDATE customers SET status = COALESCE(CAST(:status AS VARCHAR(32)), status), updated_at = :at, "
                        + "version = version + 1 WHERE tenant_id = :tenant AND id IN (<ids>)")
                .bind("status", status == null ? null : status.wire()).bind("at", Database.ts(at))
                .bind("tenant", tenantId).bindList("ids", List.copyOf(ids))
                .execute();
    }

    public Optional<Customer> findByEmailForUpdate(Handle h, String tenantId, String email) {
        return h.createQuery("SELECT * FROM customers WHERE tenant_id = :tenant AND email = :email FOR UPDATE")
                .bind("tenant", tenantId).bind("email", email)
                .map((rs, ctx) -> customer(rs)).findOne();
    }

    public void setEmailVerified(Handle h, String tenantId, String id, Instant at) {
        h.createUpdate("UPDATE customers SET email_verified = TRUE, updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /** Sets or clears (null) when the account's second factor was turned on. */
    public void setMfaEnabledAt(Handle h, String tenantId, String id, Instant enabledAt, Instant at) {
        h.createUpdate("UPDATE customers SET mfa_enabled_at = :enabled, updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("enabled", Database.ts(enabledAt)).bind("at", Database.ts(at))
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /**
     * {@code emailProven} also marks the address verified (a reset by email). The lockout columns are the lockout
     * service's: it clears them in the same transaction. {@code passwordCost}: the hash's cost when Latchkey did not
     * make it with its current parameters (an imported one), else null; the shop's costs are the caller's.
     */
    public void setPassword(Handle h, String tenantId, String id, String passwordHash, String passwordCost,
                            boolean emailProven, Instant at) {
        h.createUpdate("UPDATE customers SET password_hash = :hash, password_cost = :cost, "
                        + "email_verified = (email_verified OR :proven), updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("hash", passwordHash).bind("cost", passwordCost).bind("proven", emailProven)
                .bind("at", Database.ts(at))
                .bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /** {@link #setPassword} for an account that has no password; false, changing nothing, when it has one. */
    public boolean setPasswordIfNone(Handle h, String tenantId, String id, String passwordHash, String passwordCost,
                                     Instant at) {
        return h.createUpdate("UPDATE customers SET password_hash = :hash, password_cost = :cost, updated_at = :at, "
                        + "version = version + 1 WHERE tenant_id = :tenant AND id = :id AND password_hash IS NULL")
                .bind("hash", passwordHash).bind("cost", passwordCost).bind("at", Database.ts(at))
                .bind("tenant", tenantId).bind("id", id)
                .execute() == 1;
    }

    /** The confirmed new address, verified by that very confirmation. */
    public void setEmail(Handle h, String tenantId, String id, String email, Instant at) {
        h.createUpdate("UPDATE customers SET email = :email, email_verified = TRUE, updated_at = :at, "
                        + "version = version + 1 WHERE tenant_id = :tenant AND id = :id")
                .bind("email", email).bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /**
     * The merchant's change of a row the caller has locked: email, its verification, status, profile and note at once.
     */
    public void update(Handle h, Customer c, Instant at) {
        var update = h.createUpdate("UPDATE customers SET email = :email, email_verified = :verified, status = :status, "
                        + SET_PROFILE + ", note = :note, updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("email", c.email()).bind("verified", c.emailVerified()).bind("status", c.status().wire())
                .bind("note", c.note())
                .bind("at", Database.ts(at)).bind("tenant", c.tenantId()).bind("id", c.id());
        bindProfile(update, c.profile()).execute();
    }

    /** Writes the profile; with {@code expectedVersion} the write only happens on that version. Returns rows changed. */
    public int updateProfile(Handle h, String tenantId, String id, Customer.Profile profile, Long expectedVersion,
                             Instant at) {
        var update = h.createUpdate("UPDATE customers SET " + SET_PROFILE + ", updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id"
                        + (expectedVersion == null ? "" : " AND version = :version"))
                .bind("tenant", tenantId).bind("id", id).bind("at", Database.ts(at));
        if (expectedVersion != null) {
            update.bind("version", expectedVersion);
        }
        return bindProfile(update, profile).execute();
    }

    /** Points the chosen default columns at {@code addressId}. */
    public void setDefaultAddress(Handle h, String tenantId, String id, String addressId, boolean shipping,
                                  boolean billing, Instant at) {
        String columns = (shipping ? "default_shipping_address_id = :address, " : "")
                + (billing ? "default_billing_address_id = :address, " : "");
        h.createUpdate("UPDATE customers SET " + columns + "updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id")
                .bind("address", addressId).bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    /** Clears whichever default column points at {@code addressId}; the row is only touched when one does. */
    public void clearDefaultAddress(Handle h, String tenantId, String id, String addressId, Instant at) {
        h.createUpdate("UPDATE customers SET "
                        + "default_shipping_address_id = CASE WHEN default_shipping_address_id = :address THEN NULL "
                        + "ELSE default_shipping_address_id END, "
                        + "default_billing_address_id = CASE WHEN default_billing_address_id = :address THEN NULL "
                        + "ELSE default_billing_address_id END, "
                        + "updated_at = :at, version = version + 1 "
                        + "WHERE tenant_id = :tenant AND id = :id "
                        + "AND (default_shipping_address_id = :address OR default_billing_address_id = :address)")
                .bind("address", addressId).bind("at", Database.ts(at)).bind("tenant", tenantId).bind("id", id)
                .execute();
    }

    public void delete(Handle h, String tenantId, String id) {
        h.createUpdate("DELETE FROM customers WHERE tenant_id = :tenant AND id = :id")
                .bind("tenant", tenantId).bind("id", id).execute();
    }

    /** Leaves updated_at and version alone: a new hash of the same password is not a change of the customer. */
    public int replacePasswordHash(Handle h, String tenantId, String id, String expectedHash, String newHash,
                                   String newCost) {
        return h.createUpdate("UPDATE customers SET password_hash = :hash, password_cost = :cost "
                        + "WHERE tenant_id = :tenant AND id = :id AND password_hash = :expected")
                .bind("hash", newHash).bind("cost", newCost).bind("tenant", tenantId).bind("id", id)
                .bind("expected", expectedHash)
                .execute();
    }

    private static <T extends SqlStatement<T>> T bindProfile(T statement, Customer.Profile p) {
        return statement
                .bind("first_name", p.firstName())
                .bind("last_name", p.lastName())
                .bind("title", p.title())
                .bind("phone", p.phone())
                .bind("company", p.company())
                .bind("preferred_language", p.preferredLanguage())
                .bind("preferred_currency", p.preferredCurrency())
                .bind("preferred_site", p.preferredSite())
                .bind("accepts_marketing", p.acceptsMarketing())
                .bind("accepts_marketing_updated_at", Database.ts(p.acceptsMarketingUpdatedAt()))
                .bind("marketing_state", p.marketing().state().wire())
                .bind("marketing_opt_in_level", p.marketing().optInLevel().wire())
                .bind("marketing_consent_updated_at", Database.ts(p.marketing().consentUpdatedAt()))
                .bind("attributes", p.attributes())
                .bind("search_name", SearchKeys.name(p))
                .bind("search_last_name", SearchKeys.lastName(p));
    }

    static Customer customer(ResultSet rs) throws SQLException {
        var profile = new Customer.Profile(rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("title"), rs.getString("phone"), rs.getString("company"),
                rs.getString("preferred_language"), rs.getString("preferred_currency"), rs.getString("preferred_site"),
                MarketingConsent.stored(rs.getString("marketing_state"), rs.getString("marketing_opt_in_level"),
                        Database.instant(rs, "marketing_consent_updated_at")),
                Database.instant(rs, "accepts_marketing_updated_at"),
                rs.getString("attributes"));
        return new Customer(rs.getString("tenant_id"), rs.getString("id"), rs.getString("email"),
                rs.getBoolean("email_verified"), Customer.Status.fromWire(rs.getString("status")),
                rs.getString("password_hash"), profile, rs.getString("default_shipping_address_id"),
                rs.getString("default_billing_address_id"), Database.instant(rs, "created_at"),
                Database.instant(rs, "updated_at"), rs.getLong("version"), Database.instant(rs, "mfa_enabled_at"),
                rs.getString("note"));
    }
}
