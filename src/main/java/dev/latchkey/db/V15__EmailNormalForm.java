package dev.latchkey.db;

import dev.latchkey.customer.EmailAddress;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rewrites stored email addresses into {@link EmailAddress#normalise}'s form, which every lookup now uses: before it,
 * addresses were only trimmed and lower-cased, so one with full-width letters or an internationalised domain would no
 * longer be found. Only addresses with a character outside printable ASCII can differ, and only those are read. An
 * account whose new form another account of its tenant already has keeps its address, and the log names both ids (the
 * merchant decides which one stays); addresses themselves are never logged.
 */
final class V15__EmailNormalForm extends BaseJavaMigration {
    private static final Logger log = LoggerFactory.getLogger(V15__EmailNormalForm.class);

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                .contains("postgres");
        String nonAscii = postgres ? "email ~ '[^ -~]'" : "REGEXP_LIKE(email, '[^ -~]')";
        rewrite(connection, "customers", "id", nonAscii, true);
        rewrite(connection, "staff", "id", nonAscii, true);
        rewrite(connection, "orders", "id", nonAscii, false);
        rewrite(connection, "email_tokens", "token_hash", nonAscii, false);
    }

    private record Row(String tenantId, String key, String email) {
    }

    /** {@code unique}: the table allows one row per address and tenant, so a collision is reported, not written. */
    private static void rewrite(Connection connection, String table, String key, String nonAscii, boolean unique)
            throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, " + key + ", email FROM " + table + " WHERE " + nonAscii);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        for (Row row : rows) {
            String normal = EmailAddress.normalise(row.email());
            if (normal.equals(row.email())) {
                continue;
            }
            if (unique) {
                String holder = holderOf(connection, table, key, row.tenantId(), normal);
                if (holder != null) {
                    log.warn("{} {} of tenant {} keeps its stored email address: its normal form is the address of "
                            + "{} already", table, row.key(), row.tenantId(), holder);
                    continue;
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE " + table + " SET email = ? WHERE tenant_id = ? AND " + key + " = ?")) {
                update.setString(1, normal);
                update.setString(2, row.tenantId());
                update.setString(3, row.key());
                update.executeUpdate();
            }
        }
    }

    private static String holderOf(Connection connection, String table, String key, String tenantId, String email)
            throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT " + key + " FROM " + table + " WHERE tenant_id = ? AND email = ?")) {
            find.setString(1, tenantId);
            find.setString(2, email);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
