package dev.latchkey.db;

import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.postgresql.PGStatement;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * PostgreSQL only: runs a statement unprepared, so that it is planned for its parameters and the tables as they are. A
 * prepared statement may keep one generic plan for the connection, made without the parameters' values and for
 * whatever size the tables had then (to the planner, tables without fresh statistics keep that size). For a statement
 * whose best plan depends on its values or on the tables' size (a batch of rotations, a prefix search) that plan can
 * read a table whole where another reads a few rows. Planning costs about a millisecond; a single-row look-up has no
 * such trap, since its one plan is an index probe.
 */
public final class PlannedEachRun implements StatementCustomizer {
    public static final PlannedEachRun INSTANCE = new PlannedEachRun();

    private PlannedEachRun() {
    }

    @Override
    public void beforeExecution(PreparedStatement statement, StatementContext ctx) throws SQLException {
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
    }
}
