package dev.latchkey.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The plans of the statements an application runs that match a pattern: each is explained as it runs, with its own
 * values, by the engine's {@code explain} (such as {@code EXPLAIN ANALYZE}), and the plan kept until {@link #clear}.
 */
final class StatementPlans {
    private final List<String> plans = new CopyOnWriteArrayList<>();

    StatementPlans(Database db, Pattern statements, String explain) {
        db.read(Handle::getJdbi).addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
                if (statements.matcher(ctx.getParsedSql().getSql()).find()) {
                    plans.add(explain(ctx, explain));
                }
            }
        });
    }

    /** The plans of the statements run since the last {@link #clear}, in the order they ran. */
    List<String> plans() {
        return List.copyOf(plans);
    }

    void clear() {
        plans.clear();
    }

    private static String explain(StatementContext ctx, String explain) throws SQLException {
        try (PreparedStatement explained = ctx.getConnection().prepareStatement(explain + " "
                + ctx.getParsedSql().getSql())) {
            List<String> names = ctx.getParsedSql().getParameters().getParameterNames();
            for (int i = 0; i < names.size(); i++) {
                ctx.getBinding().findForName(names.get(i), ctx).orElseThrow().apply(i + 1, explained, ctx);
            }
            try (ResultSet rs = explained.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
