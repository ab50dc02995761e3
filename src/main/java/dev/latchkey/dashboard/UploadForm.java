package dev.latchkey.dashboard;

import dev.latchkey.http.ApiError;
import dev.latchkey.http.PlainRequests;
import io.javalin.http.Context;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * A form that uploads one file ({@code multipart/form-data}), read from the body the page has already read with its own
 * size limit and time budget, so the servlet's multipart handling (no size limit of its own, parts spilled to the temp
 * folder, its failures 500s) never runs. Every part stays in memory, where the body is: the body is bounded already,
 * and the file is a view of it, not a copy.
 */
final class UploadForm {
    /** The file, a CSRF token and a choice or two: anything more is no form of ours. */
    private static final int MAX_PARTS = 8;

    /** The first part of each name: a plain field's value, or the file chosen. */
    private final Map<String, String> fields = new HashMap<>();
    private final Map<String, File> files = new HashMap<>();

    private UploadForm(MultiPartFormData.Parts parts) throws IOException {
        for (MultiPart.Part part : parts) {
            if (fields.containsKey(part.getName()) || files.containsKey(part.getName())) {
                continue;
            }
            if (part.getFileName() == null) {
                // decoded here, strictly: bytes that are no UTF-8 refuse the form, as for a URL-encoded one (the
                // part's own decoding would break off a blocking read inside the server, which logs a warning)
                fields.put(part.getName(), StandardCharsets.UTF_8.newDecoder().decode(content(part)).toString());
            } else if (!part.getFileName().isEmpty()) { // a browser sends an empty part when no file was chosen
                files.put(part.getName(), new File(part.getFileName(), part.getHeaders().get("Content-Type"),
                        content(part)));
            }
        }
    }

    /**
     * A file's bytes where they are in the body: the parser hands over the part of a body it read from one buffer as a
     * slice of that buffer, so the file is not copied. Gathered into a buffer of their own should it ever hand them
     * over in pieces.
     */
    private static ByteBuffer content(MultiPart.Part part) throws IOException {
        Content.Chunk chunk = part.createContentSource().read();
        if (chunk != null && chunk.isLast() && !Content.Chunk.isFailure(chunk) && chunk.getByteBuffer().hasArray()) {
            return chunk.getByteBuffer().slice();
        }
        return Content.Source.asByteBuffer(part.createContentSource());
    }

    /** 415 for a body that is not multipart, 400 for one that does not parse as such. */
    static UploadForm parse(Context ctx, ByteBuffer body) {
        String contentType = PlainRequests.declaredContentType(ctx);
        String boundary = contentType == null
                || !contentType.split(";", 2)[0].strip().equalsIgnoreCase("multipart/form-data") ? null
                : MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) {
            throw new ApiError(415, "unsupported_media_type", "A file is uploaded as multipart/form-data.");
        }
        var parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxParts(MAX_PARTS);
        parser.setMaxLength(body.remaining());
        parser.setMaxMemoryFileSize(body.remaining()); // never a temporary file
        parser.setUseFilesForPartsWithoutFileName(false);
        try (MultiPartFormData.Parts parts = parser.parse(Content.Source.from(body.duplicate())).join()) {
            return new UploadForm(parts);
        } catch (CompletionException | IOException | IllegalStateException | IllegalArgumentException unreadable) {
            throw new ApiError(400, "bad_request", "The upload could not be read. Choose the file and send the form "
                    + "again.");
        }
    }

    /** A plain field's value, or null when the form lacks it. */
    String field(String name) {
        return fields.get(name);
    }

    /** The file chosen in the field {@code name}, or null when none was. */
    File file(String name) {
        return files.get(name);
    }

    /**
     * A file as the browser sent it: its name and type are the browser's word, not checked. Its content is a view of
     * the request's body.
     */
    record File(String name, String contentType, ByteBuffer content) {
    }
}
