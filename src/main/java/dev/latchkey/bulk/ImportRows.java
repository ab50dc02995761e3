package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.latchkey.http.ApiError;
import dev.latchkey.http.JsonInput;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
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
        return of(format, text(StandardCharsets.UTF_8, ByteBuffer.wrap(kept)), json);
    }

    /** The rows of a file's text; {@link Unreadable} when its CSV header is unusable. */
    static ImportRows of(ImportJob.Format format, Reader text, ObjectReader json) throws Unreadable {
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

    /**
     * A file's text in the charset it came in, decoded as it is read, without a byte-order mark (which spreadsheets
     * write before a CSV in UTF-8, and is no part of the first row). For a file {@link #checkText} found to be text.
     */
    static Reader text(Charset charset, ByteBuffer file) {
        try {
            var reader = new BufferedReader(new InputStreamReader(stream(file), charset));
            reader.mark(1);
            if (reader.read() != '\uFEFF') {
                reader.reset();
            }
            return reader;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // read from memory
        }
    }

    /** The file's bytes, read where they are. */
    private static InputStream stream(ByteBuffer file) {
        return new ByteArrayInputStream(file.array(), file.arrayOffset() + file.position(), file.remaining());
    }

    /**
     * Decodes the whole file in its charset, a piece at a time, to find whether it is text in it; {@link Unreadable}
     * when it is not. Answers how many bytes its {@link #text} takes in UTF-8.
     */
    static long checkText(UploadType type, ByteBuffer file) throws Unreadable {
        CharsetDecoder decoder = type.charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = file.duplicate();
        CharBuffer out = CharBuffer.allocate(8192);
        long utf8 = 0;
        boolean first = true;
        CoderResult result;
        do {
            result = decoder.decode(in, out, true);
            if (result.isError()) {
                throw new Unreadable(new ApiError(400, malformed(type.format()), notText(type)));
            }
            utf8 += utf8Length(out, first);
            first = false;
        } while (result.isOverflow());
        do {
            result = decoder.flush(out);
            utf8 += utf8Length(out, false);
        } while (result.isOverflow());
        return utf8;
    }

    /** The UTF-8 length of the characters decoded into {@code out}, which it empties; a leading byte-order mark skipped. */
    private static long utf8Length(CharBuffer out, boolean first) {
        out.flip();
        if (first && out.hasRemaining() && out.get(0) == '\uFEFF') {
            out.get();
        }
        long length = 0;
        while (out.hasRemaining()) {
            char c = out.get();
            length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4 in all
        }
        out.clear();
        return length;
    }

    /** A file's {@link #text} in UTF-8, {@code length} bytes ({@link #checkText}). */
    static ByteBuffer utf8(Charset charset, ByteBuffer file, long length) {
        byte[] utf8 = new byte[Math.toIntExact(length)];
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.wrap(utf8);
        CharBuffer in = CharBuffer.allocate(8192);
        try (Reader text = text(charset, file)) {
            while (text.read(in) >= 0) {
                in.flip();
                encoder.encode(in, out, false);
                in.compact(); // a high surrogate whose low one is still to come
            }
            in.flip();
            encoder.encode(in, out, true);
            encoder.flush(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // read from memory
        }
        return ByteBuffer.wrap(utf8, 0, out.position());
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

        CsvRows(Reader text) throws Unreadable {
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
        private final Reader text;
        private final ObjectReader json;
        private int line;
        private boolean ended;

        NdjsonRows(Reader text, ObjectReader json) {
            this.text = text;
            this.json = json;
        }

        @Override
        Optional<Row> next() {
            while (!ended) {
                String content = line();
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

        /** The next line, without its line feed; {@link #ended} once the text is read to its end. */
        private String line() {
            StringBuilder content = new StringBuilder();
            try {
                for (int c = text.read(); c != '\n'; c = text.read()) {
                    if (c < 0) {
                        ended = true;
                        break;
                    }
                    content.append((char) c);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // read from memory
            }
            return content.toString();
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
