package dev.latchkey.db;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Rewrites customers' names into the composed form (NFC) that names are stored in now, with the search keys made from
 * them: before it, a name typed with "u" and a combining diaeresis was kept so, and the merchant's search for "Müller"
 * typed with a composed "ü" did not find it. Only names with a character outside printable ASCII can differ, and only
 * those are read. A name whose composed form would not fit its column (a handful of characters compose into longer
 * ones) keeps its stored form, and its search key, which a search term (composed since) no longer meets: such
 * characters are rare in names, and the merchant finds that customer by email.
 */
final class V23__NamesComposedForm extends BaseJavaMigration {
    private static final int MAX_NAME = 100;

    private record Row(String tenantId, String id, String firstName, String lastName) {
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                .contains("postgres");
        String nonAscii = postgres ? "(first_name ~ '[^ -~]' OR last_name ~ '[^ -~]')"
                : "(REGEXP_LIKE(first_name, '[^ -~]') OR REGEXP_LIKE(last_name, '[^ -~]'))";
        List<Row> changed = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant_id, id, first_name, last_name FROM customers WHERE " + nonAscii)) {
            // read in parts: a shop whose names are mostly not ASCII would otherwise be read into memory whole
            select.setFetchSize(1_000);
            try (ResultSet rs = select.executeQuery()) {
                collectChanged(rs, changed);
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE customers SET first_name = ?, "
                + "last_name = ?, search_name = ?, search_last_name = ? WHERE tenant_id = ? AND id = ?")) {
            for (int i = 0; i < changed.size(); i++) {
                Row row = changed.get(i);
                update.setString(1, row.firstName());
                update.setString(2, row.lastName());
                update.setString(3, searchName(row.firstName(), row.lastName()));
                update.setString(4, row.lastName() == null ? null : row.lastName().toLowerCase(Locale.ROOT));
                update.setString(5, row.tenantId());
                update.setString(6, row.id());
                update.addBatch();
                if (i % 1_000 == 999 || i == changed.size() - 1) {
                    update.executeBatch();
                }
            }
        }
    }

    /** Only the rows whose names change: names stored composed already are left alone. */
    private static void collectChanged(ResultSet rs, List<Row> changed) throws SQLException {
        while (rs.next()) {
            String first = rs.getString(3);
            String last = rs.getString(4);
            Row composed = new Row(rs.getString(1), rs.getString(2), composed(first), composed(last));
            if (!Objects.equals(first, composed.firstName()) || !Objects.equals(last, composed.lastName())) {
                changed.add(composed);
            }
        }
    }

    /**
     * The search key of the name as the code made it when this migration was written ("first last", lower-cased),
     * kept here so that a later change there does not change what this migration writes.
     */
    private static String searchName(String first, String last) {
        String full = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
        return full.isEmpty() ? null : full.toLowerCase(Locale.ROOT);
    }

    private static String composed(String name) {
        if (name == null) {
            return null;
        }
        String composed = Normalizer.normalize(name, Normalizer.Form.NFC);
        return composed.length() <= MAX_NAME ? composed : name;
    }
}
