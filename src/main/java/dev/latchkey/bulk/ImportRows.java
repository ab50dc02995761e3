package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The rows of an uploaded file, one at a time, each as the body {@code POST /v1/admin/customers} takes: a CSV record
 * read through its header ({@link CustomerColumns}), or a line of NDJSON. A row that cannot be read at all (a line
 * that is no JSON object) comes with the refusal it would get as a request.
 */
abstract sealed class ImportRows {
    /** A row starting on line {@code line} of the file: its body, or why it has none. */
    record Row(int line, JsonInput body, ApiError unreadable) {
    }

    /** What the file's structure does not allow: refused as a whole, before any row is imported. */
    static final class Unreadable extends Exception {
        private final ApiError refusal;

        Unreadable(ApiError refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }

        ApiError refusal() {
            return refusal;
        }
    }

    /** The rows of a file kept for its job, in UTF-8 whatever charset it came in; {@link Unreadable} as on upload. */
    static ImportRows of(ImportJob.Format format, byte[] kept, ObjectReader json) throws Unreadable {
        return of(format, text(new UploadType(format, StandardCharsets.UTF_8), ByteBuffer.wrap(kept)), json);
    }

    /** The rows of a file's text; {@link Unreadable} when its CSV header is unusable. */
    static ImportRows of(ImportJob.Format format, String text, ObjectReader json) throws Unreadable {
        return format == ImportJob.Format.CSV ? new CsvRows(text) : new NdjsonRows(text, json);
    }

    /** The next row, or empty at the end of the file; {@link Unreadable} where the file stops being CSV. */
    abstract Optional<Row> next() throws Unreadable;

    /** The name a refused row's field goes by in the file (the CSV's column), for the merchant who reads it. */
    abstract String fieldName(String field);

    /** Counts the rows, reading the whole file as the worker will: each structural fault is found now. */
    int count() throws Unreadable {
        int rows = 0;
        while (next().isPresent()) {
            rows++;
        }
        return rows;
    }

    /** A file's text in the charset it came in; {@link Unreadable} when it is not text in that charset. */
    static String text(UploadType type, ByteBuffer payload) throws Unreadable {
        try {
            String text = type.charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(payload.duplicate()).toString();
            // a byte-order mark, which spreadsheets write before a CSV in UTF-8, is no part of the first row
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new Unreadable(new ApiError(400, malformed(type.format()), notText(type)));
        }
    }

    private static String notText(UploadType type) {
        if (!type.charset().equals(StandardCharsets.UTF_8)) {
            return "The file is not text in " + type.charset().name() + ".";
        }
        return type.format() == ImportJob.Format.CSV ? "The file is not UTF-8 text. Name the encoding it is in "
                + "(Excel's \"CSV (Comma delimited)\" is windows-1252), or save it as \"CSV UTF-8\"."
                : "The file is not UTF-8 text.";
    }

    private static String malformed(ImportJob.Format format) {
        return format == ImportJob.Format.CSV ? "malformed_csv" : "malformed_json";
    }

    static final class CsvRows extends ImportRows {
        private final Csv.Reader reader;
        private final CustomerColumns.Header header;

        CsvRows(String text) throws Unreadable {
            this.reader = new Csv.Reader(text);
            List<String> names = read().orElse(null);
            if (names == null) {
                this.header = null;
                return; // an empty file, which has no rows
            }
            this.header = CustomerColumns.Header.of(names);
            if (header.column("email").isEmpty()) {
                throw new Unreadable(ApiError.validation("Email", "required",
                        "The CSV's first line names its columns, and one of them must be Email."));
            }
            Optional<String> password = header.column("password");
            if (password.isPresent()) {
                throw new Unreadable(ApiError.validation(password.get(), "not_allowed",
                        RowImporter.PLAIN_PASSWORD));
            }
        }

        private Optional<List<String>> read() throws Unreadable {
            try {
                return reader.next();
            } catch (Csv.Malformed e) {
                throw new Unreadable(new ApiError(400, "malformed_csv", "The file is not CSV: " + e.getMessage()));
            }
        }

        @Override
        Optional<Row> next() throws Unreadable {
            if (header == null) {
                return Optional.empty();
            }
            return read().map(cells -> new Row(reader.recordLine(), JsonInput.of(header.body(cells)), null));
        }

        @Override
        String fieldName(String field) {
            return header.column(field).orElse(field);
        }
    }

    static final class NdjsonRows extends ImportRows {
        private final String text;
        private final ObjectReader json;
        private int at;
        private int line;

        NdjsonRows(String text, ObjectReader json) {
            this.text = text;
            this.json = json;
        }

        @Override
        Optional<Row> next() {
            while (at < text.length()) {
                int end = text.indexOf('\n', at);
                String content = text.substring(at, end < 0 ? text.length() : end);
                at = end < 0 ? text.length() : end + 1;
                line++;
                if (content.isBlank()) {
                    continue;
                }
                try {
                    return Optional.of(new Row(line, JsonInput.parse(json,
                            content.getBytes(StandardCharsets.UTF_8)), null));
                } catch (ApiError e) {
                    return Optional.of(new Row(line, null, e));
                }
            }
            return Optional.empty();
        }

        @Override
        String fieldName(String field) {
            return field;
        }
    }

    /** The errors a refusal holds, each named as the file names its field. */
    List<ImportJob.RowError> errors(int line, ApiError refusal) {
        if (refusal.errors().isEmpty()) {
            return List.of(new ImportJob.RowError(line, null, refusal.code(), refusal.getMessage()));
        }
        return refusal.errors().stream().map(e -> new ImportJob.RowError(line, fieldName(e.field()),
                e.code(), e.message())).toList();
    }
}
