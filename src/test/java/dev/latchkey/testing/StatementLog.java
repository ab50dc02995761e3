package dev.latchkey.testing;

import dev.latchkey.db.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The statements a server's application sends to its database that match a pattern, one entry each time one is sent
 * (a batch once, whatever its rows), kept until {@link #clear}: how many requests to the database some work costs.
 */
public final class StatementLog {
    private final List<String> sent = new CopyOnWriteArrayList<>();

    public StatementLog(Database db, Pattern statements) {
        db.read(Handle::getJdbi).addCustomizer(new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement statement, StatementContext ctx) {
                if (statements.matcher(ctx.getParsedSql().getSql()).find()) {
                    sent.add(ctx.getParsedSql().getSql());
                }
            }
        });
    }

    /** The matching statements sent since the last {@link #clear}, in the order they were sent. */
    public List<String> sent() {
        return List.copyOf(sent);
    }

    public void clear() {
        sent.clear();
    }
}
