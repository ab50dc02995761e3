package dev.latchkey.bulk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Comma-separated values as RFC 4180 has them: a field holding a comma, a double quote or a line break is quoted, its
 * quotes doubled; lines end with CRLF when written, with CRLF or LF when read.
 */
final class Csv {
    /**
     * A spreadsheet takes a cell starting with one of these for a formula (CSV injection): such a cell is written with
     * a leading apostrophe, as OWASP advises, which the spreadsheet shows as text; {@link #unneutralised} takes it off
     * again when a file exported here comes back.
     */
    private static final String FORMULA_STARTS = "=+-@\t\r";

    private Csv() {
    }

    /** One line of cells, each neutralised and quoted as it needs. */
    static String line(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cell(cells.get(i)));
        }
        return line.append("\r\n").toString();
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = neutralised(value) ? "'" + value : value;
        boolean quoted = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
                || text.indexOf('\r') >= 0;
        return quoted ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    /** A cell as the merchant meant it: one that {@link #cell} neutralised, without its apostrophe. */
    static String unneutralised(String value) {
        return value.length() > 1 && value.charAt(0) == '\'' && neutralised(value.substring(1))
                ? value.substring(1) : value;
    }

    /**
     * Whether {@link #cell} puts an apostrophe before the value: it starts with a formula's first character, or with
     * apostrophes before one (a value that already looks neutralised), so that the import gives back what was stored.
     */
    private static boolean neutralised(String value) {
        int first = 0;
        while (first < value.length() && value.charAt(first) == '\'') {
            first++;
        }
        return first < value.length() && FORMULA_STARTS.indexOf(value.charAt(first)) >= 0;
    }

    /** A text that is not CSV: a quoted field left open. */
    static final class Malformed extends Exception {
        private final int line;

        Malformed(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }

        int line() {
            return line;
        }
    }

    /**
     * Reads the records of a text one at a time, as it comes from {@code text} (a file of many MB is never held as one
     * string); blank lines are no records. {@code text} holds text already checked to be in its charset: it fails
     * only should its source, in memory, fail to be read.
     */
    static final class Reader {
        private static final int END = -1;

        private final java.io.Reader text;
        private final char[] buffer = new char[8192];
        private int at;
        private int end;
        private int lineNumber = 1;
        private int recordLine;

        Reader(java.io.Reader text) {
            this.text = text;
        }

        /** The line the record {@link #next} read last starts on, counted from 1 (blank lines before it counted). */
        int recordLine() {
            return recordLine;
        }

        /** The next record's fields, or empty at the end of the text. */
        Optional<List<String>> next() throws Malformed {
            while (peek() == '\n' || peek() == '\r') {
                skipLineEnd();
            }
            if (peek() == END) {
                return Optional.empty();
            }
            recordLine = lineNumber;
            List<String> fields = new ArrayList<>();
            while (true) {
                fields.add(field());
                int c = peek();
                if (c == END) {
                    return Optional.of(fields);
                }
                if (c == ',') {
                    at++;
                } else {
                    skipLineEnd();
                    return Optional.of(fields);
                }
            }
        }

        /** The character at hand, not taken; {@link #END} at the end of the text. */
        private int peek() {
            if (at == end) {
                try {
                    int read = text.read(buffer);
                    if (read < 0) {
                        return END;
                    }
                    at = 0;
                    end = read;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return buffer[at];
        }

        private void skipLineEnd() {
            if (buffer[at++] == '\r' && peek() == '\n') {
                at++;
            }
            lineNumber++;
        }

        private String field() throws Malformed {
            if (peek() == '"') {
                return quoted();
            }
            StringBuilder value = new StringBuilder();
            for (int c = peek(); c != END && ",\r\n".indexOf(c) < 0; c = peek()) {
                if (c == '"') {
                    throw new Malformed(lineNumber, "Line " + lineNumber + " has a double quote inside a field that "
                            + "does not start with one; quote the field and double the quote.");
                }
                value.append((char) c);
                at++;
            }
            return value.toString();
        }

        private String quoted() throws Malformed {
            int opened = lineNumber;
            at++;
            StringBuilder value = new StringBuilder();
            for (int c = peek(); c != END; c = peek()) {
                at++;
                if (c == '"') {
                    int after = peek();
                    if (after == '"') {
                        value.append('"');
                        at++;
                        continue;
                    }
                    if (after != END && ",\r\n".indexOf(after) < 0) {
                        throw new Malformed(lineNumber, "Line " + lineNumber + " has text after a quoted field's "
                                + "closing quote.");
                    }
                    return value.toString();
                }
                if (c == '\n' || c == '\r' && peek() != '\n') {
                    lineNumber++;
                }
                value.append((char) c);
            }
            throw new Malformed(opened, "The quoted field opened on line " + opened + " is never closed.");
        }
    }
}
