package dev.latchkey.customer;

import dev.latchkey.db.PlannedEachRun;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The SQL of the customers a search term matches (see {@link CustomerStore#list}): those whose email, name or last name
 * begins with it, read from each key's index, or checked customer by customer.
 * <p>On H2 each index is read over the range of keys the term begins ({@link SearchKeys.Prefix}), and named: H2 reads
 * a LIKE from an index only when its pattern is in the statement's text, and it weighs a range of bound values on the
 * key as it weighs one on the creation time, which it takes from the page's cursor into each part of a union (it read
 * 543 of a tenant's 1,000 customers for a term that 10 of them match). PostgreSQL reads the LIKE from the index, in a
 * plan made for the pattern, and its order of strings may be a language's, not the range's.
 */
final class TermMatches {
    private final SearchKeys.Prefix email;
    private final SearchKeys.Prefix name;
    private final boolean postgres;

    TermMatches(String term, boolean postgres) {
        // emails are stored in their normal form (NFKC, ASCII domain), so a term typed with a full-width or
        // internationalised spelling is brought to it too; names are stored composed (NFC), as the term is made
        this.email = SearchKeys.prefix(EmailAddress.normalise(term));
        this.name = SearchKeys.prefix(term);
        this.postgres = postgres;
    }

    /** FROM and WHERE of the tenant's customers whose email begins with the term. */
    String byEmail() {
        return byKey("email", "customers_email_prefix", "email", email);
    }

    /** FROM and WHERE of the tenant's customers whose name ("first last") begins with the term. */
    String byName() {
        return byKey("search_name", "customers_search_name", "name", name);
    }

    /** FROM and WHERE of the tenant's customers whose last name begins with the term. */
    String byLastName() {
        return byKey("search_last_name", "customers_search_last_name", "name", name);
    }

    /** A condition on the customer {@code c}: one of its keys begins with the term. */
    String anyKey() {
        return "(c.email LIKE :emailPattern ESCAPE '!' OR c.search_name LIKE :namePattern ESCAPE '!' "
                + "OR c.search_last_name LIKE :namePattern ESCAPE '!')";
    }

    void bind(SqlStatement<?> statement) {
        statement.bind("emailPattern", email.pattern()).bind("namePattern", name.pattern());
        if (postgres) {
            // a plan made once for any pattern (which a prepared statement settles on after a few runs) would read
            // every customer of the tenant
            statement.addCustomizer(PlannedEachRun.INSTANCE);
            return;
        }
        statement.bind("emailFrom", email.from()).bind("nameFrom", name.from());
        if (email.to() != null) {
            statement.bind("emailTo", email.to());
        }
        if (name.to() != null) {
            statement.bind("nameTo", name.to());
        }
    }

    private String byKey(String column, String index, String bound, SearchKeys.Prefix term) {
        String matches = column + " LIKE :" + bound + "Pattern ESCAPE '!'";
        if (postgres) {
            return "FROM customers WHERE tenant_id = :tenant AND " + matches;
        }
        return "FROM customers USE INDEX (" + index + ") WHERE tenant_id = :tenant AND " + matches + " AND " + column
                + " >= :" + bound + "From" + (term.to() == null ? "" : " AND " + column + " < :" + bound + "To");
    }
}
