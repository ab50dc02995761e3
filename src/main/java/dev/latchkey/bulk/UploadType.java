package dev.latchkey.bulk;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.PlainRequests;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * What an uploaded file is, as its {@code Content-Type} says: its format, and the charset its text is in. A CSV names
 * its charset as spreadsheets save it (Excel's "CSV" is windows-1252 in Western Europe and the Americas), UTF-8 when it
 * names none. NDJSON is JSON, which is UTF-8 whatever a charset parameter says (RFC 8259), as every JSON body here is.
 */
public record UploadType(ImportJob.Format format, Charset charset) {
    private static final String FORMATS = "An import is sent as text/csv or application/x-ndjson.";

    /** A CSV file in {@code charset}. */
    public static UploadType csv(Charset charset) {
        return new UploadType(ImportJob.Format.CSV, charset);
    }

    /** 415 {@code unsupported_media_type} for another type, or a CSV in a charset that is not known here. */
    static UploadType of(String contentType) {
        ImportJob.Format format = ImportJob.Format.ofMediaType(contentType)
                .orElseThrow(() -> new ApiError(415, "unsupported_media_type", FORMATS));
        if (format != ImportJob.Format.CSV) {
            return new UploadType(format, StandardCharsets.UTF_8);
        }
        String[] parts = contentType.split(";", -1);
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].strip().equalsIgnoreCase("charset")) {
                return csv(charset(parameter.length > 1 ? PlainRequests.parameterValue(parameter[1]) : ""));
            }
        }
        return csv(StandardCharsets.UTF_8);
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new ApiError(415, "unsupported_media_type", "The CSV's charset is not one known here: send the "
                    + "file in UTF-8, or name the charset it is in, such as windows-1252 or iso-8859-1.");
        }
    }
}
