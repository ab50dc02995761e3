package dev.latchkey.db;

import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Database failures as a log may show them. H2 quotes the values of the failing row in its messages (a unique
 * violation names the key, a value too long repeats it), and every exception that wraps such a message repeats it: an
 * email address, a name or a token would reach the log. So a failure that comes from the database is logged as the
 * chain of its exception classes, SQLStates and statements (their SQL, never their values) with every stack frame,
 * and without a single message.
 */
public final class DatabaseErrors {
    /** SQLStates of a connection never made: refused, rejected, or the server still starting. */
    private static final Set<String> NOT_CONNECTED = Set.of("08001", "08004", "57P03");
    private DatabaseErrors() {
    }

    /** {@code error} itself when no database failure is part of it, else a copy that says what failed without values. */
    public static Throwable withoutValues(Throwable error) {
        return fromDatabase(error, identitySet()) ? copy(error, identitySet()) : error;
    }

    /**
     * The database could not be reached, or dropped the connection: no connection came from the pool in time, or
     * the driver reports a connection failure (SQLState class 08, except a protocol violation, which is a fault of
     * ours) or a server shutting down or starting up (57P01 to 57P03). Such a request's transaction did not commit
     * (unless the connection was lost while the commit's answer was on its way: see {@link CommitUncertain}), and may
     * succeed when retried shortly.
     */
    public static boolean unreachable(Throwable error) {
        List<Throwable> causes = causes(error);
        return causes.stream().noneMatch(CommitUncertain.class::isInstance)
                && causes.stream().anyMatch(t -> t instanceof SQLTransientConnectionException
                || t instanceof SQLException sql && sql.getSQLState() != null && connectionLost(sql.getSQLState()));
    }

    /**
     * No connection could be had at all (the pool timed out, or the server refused or could not take one: SQLStates
     * 08001, 08004 and 57P03), so nothing of the request reached the database.
     */
    static boolean neverConnected(Throwable error) {
        return causes(error).stream().anyMatch(t -> t instanceof SQLTransientConnectionException
                || t instanceof SQLException sql && sql.getSQLState() != null
                && NOT_CONNECTED.contains(sql.getSQLState()));
    }

    /** What failed, as one line: the chain of exception classes and SQLStates, without a message or a value. */
    public static String chain(Throwable error) {
        return causes(error).stream().map(DatabaseErrors::identify).collect(Collectors.joining(" <- "));
    }

    /** {@code error} and its causes, outermost first, each once. */
    private static List<Throwable> causes(Throwable error) {
        List<Throwable> causes = new ArrayList<>();
        Set<Throwable> seen = identitySet();
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            causes.add(t);
        }
        return causes;
    }

    private static boolean connectionLost(String sqlState) {
        return sqlState.startsWith("08") && !sqlState.equals("08P01") || sqlState.matches("57P0[123]");
    }

    private static boolean fromDatabase(Throwable error, Set<Throwable> seen) {
        if (error == null || !seen.add(error)) {
            return false;
        }
        if (error instanceof SQLException || error instanceof JdbiException || fromDatabase(error.getCause(), seen)) {
            return true;
        }
        for (Throwable suppressed : error.getSuppressed()) {
            if (fromDatabase(suppressed, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable copy(Throwable error, Set<Throwable> seen) {
        seen.add(error);
        Throwable cause = error.getCause();
        Redacted copy = new Redacted(identify(error), cause == null || seen.contains(cause) ? null : copy(cause, seen));
        copy.setStackTrace(error.getStackTrace());
        for (Throwable suppressed : error.getSuppressed()) {
            if (!seen.contains(suppressed)) {
                copy.addSuppressed(copy(suppressed, seen));
            }
        }
        return copy;
    }

    private static String identify(Throwable error) {
        String name = error.getClass().getName();
        if (error instanceof SQLException sql) {
            return name + " (SQLState " + sql.getSQLState() + ", error code " + sql.getErrorCode() + ")";
        }
        if (error instanceof StatementException statement && statement.getStatementContext() != null
                && statement.getStatementContext().getRenderedSql() != null) {
            return name + " [statement:\"" + statement.getStatementContext().getRenderedSql() + "\"]";
        }
        return name;
    }

    private static Set<Throwable> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Stands in for one exception of the chain: its message names that exception's class, and no more. */
    private static final class Redacted extends RuntimeException {
        Redacted(String what, Throwable cause) {
            super(what, cause, true, true);
        }

        /** The class it stands for, not its own. */
        @Override
        public String toString() {
            return getMessage();
        }
    }
}
