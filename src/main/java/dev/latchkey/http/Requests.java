package dev.latchkey.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.Graceful;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPOutputStream;

/** Reading the parts of a request that every route needs. */
public final class Requests {
    private static final String BODY_ATTRIBUTE = "latchkey.body";
    private static final String ABANDONED_ATTRIBUTE = "latchkey.answer-abandoned";
    private static final int GZIP_BUFFER = 64 * 1024;
    /** The array a body of unknown length is read into first; grown as more comes. */
    private static final int FIRST_READ = 8192;
    private static final String BODY_LIMIT_ATTRIBUTE = "latchkey.body-limit";
    private static final String LENGTH_UNKNOWN = "latchkey.head-length-unknown";
    private final ObjectMapper mapper;
    /**
     * Leaves the stream open on failure, so that the answer can be broken off rather than ended as if complete, and
     * does not flush it when done, so that an answer that fits the buffer has not gone out before it is ended.
     */
    private final ObjectWriter streamingWriter;
    private final ObjectReader reader;
    private final ClientAddresses addresses;
    private final Duration idleTimeout;

    public Requests(ObjectMapper mapper, ClientAddresses addresses, Duration idleTimeout) {
        this.mapper = mapper;
        this.streamingWriter = mapper.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .without(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        this.reader = JsonInput.reader(mapper);
        this.addresses = addresses;
        this.idleTimeout = idleTimeout;
    }

    public JsonInput body(Context ctx) {
        return JsonInput.parse(reader, bytes(ctx));
    }

    /**
     * Lets this request's body be as large as {@code limit} bytes rather than {@link HttpServer#MAX_BODY_BYTES}: set
     * by a route's before-handler, for an upload, before the size announced is checked.
     */
    public static void allowBodyUpTo(Context ctx, long limit) {
        ctx.attribute(BODY_LIMIT_ATTRIBUTE, limit);
    }

    /** The most bytes this request's body may hold. */
    static long bodyLimit(Context ctx) {
        return bodyLimit(ctx.req());
    }

    static long bodyLimit(HttpServletRequest request) {
        return request.getAttribute(BODY_LIMIT_ATTRIBUTE) instanceof Long limit ? limit : HttpServer.MAX_BODY_BYTES;
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "payload_too_large",
                "The request body is larger than the server accepts (" + limit / (1024 * 1024) + " MB).");
    }

    /** The body as sent, read once. */
    public byte[] bytes(Context ctx) {
        byte[] raw = ctx.attribute(BODY_ATTRIBUTE);
        if (raw == null) {
            ByteBuffer read = read(ctx, FIRST_READ);
            raw = read.remaining() == read.array().length ? read.array() : Arrays.copyOf(read.array(), read.limit());
            ctx.attribute(BODY_ATTRIBUTE, raw);
        }
        return raw;
    }

    /**
     * The body of an upload (a file of many MB), read as {@link #bytes} reads it, but held in memory once: into an
     * array of the length it announces, where {@link #bytes} grows one as the bytes come (a client announcing much and
     * sending little should not make every route set that much aside), and not kept with the request, so that it is
     * garbage once the caller is done with it. The caller holds a slot for it ({@link Slots}) while it is read.
     */
    public ByteBuffer upload(Context ctx) {
        long announced = ctx.req().getContentLengthLong();
        return read(ctx, announced >= 0 ? (int) Math.min(announced, bodyLimit(ctx)) : FIRST_READ);
    }

    /**
     * The body's bytes, at most {@link #bodyLimit} of them (else 413), arriving within the idle timeout in all (else
     * 408): the server waits that long for each part of a body, so a client sending one byte just inside each wait
     * would otherwise hold the request for as long as it likes. Read into an array of {@code expected} bytes, grown
     * should more come.
     */
    private ByteBuffer read(Context ctx, int expected) {
        long deadline = System.nanoTime() + idleTimeout.toNanos();
        long limit = bodyLimit(ctx);
        byte[] body = new byte[expected];
        int length = 0;
        try {
            InputStream in = ctx.req().getInputStream();
            while (true) {
                int n;
                if (length < body.length) {
                    n = in.read(body, length, body.length - length);
                } else {
                    // full: a byte more, read aside, says whether it must grow (an announced length is nearly always
                    // the length sent)
                    int next = in.read();
                    if (next >= 0) {
                        body = Arrays.copyOf(body, (int) Math.min(Math.max(2L * length, FIRST_READ), limit + 1));
                        body[length] = (byte) next;
                    }
                    n = next < 0 ? -1 : 1;
                }
                if (n < 0) {
                    break;
                }
                length += n;
                if (length > limit) {
                    throw tooLarge(limit);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw timedOut();
                }
            }
        } catch (IOException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof TimeoutException) {
                    throw stopping(ctx) ? serverStopping() : timedOut();
                }
            }
            throw new UncheckedIOException(e); // a body cut short: answered 400 as such (ProblemResponder)
        }
        return ByteBuffer.wrap(body, 0, length);
    }

    /**
     * Whether the node is stopping: it then gives every connection a second more before closing it, so a body still
     * arriving is cut short then, which is no fault of the client's.
     */
    static boolean stopping(Context ctx) {
        Connector connector = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData()
                .getConnector();
        return connector instanceof Graceful graceful && graceful.isShutdown();
    }

    static ApiError serverStopping() {
        return new ApiError(503, ApiError.UNAVAILABLE, "The server is stopping; send the request again.")
                .withHeader("Retry-After", "1").withHeader("Connection", "close");
    }

    private ApiError timedOut() {
        return new ApiError(408, "request_timeout", "The request body did not arrive in full within "
                + idleTimeout.toSeconds() + " s.");
    }

    public ClientInfo client(Context ctx) {
        return addresses.client(ctx);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Whether this is a HEAD of an answer too costly to make for nothing (an export, which would also be recorded as
     * handed out): then {@code contentType} is set, and the caller answers the status a GET would without making the
     * body. Its length is unknown, so the answer says none (RFC 9110 §9.3.2), rather than the zero the server would
     * put for an empty answer.
     */
    public static boolean headOnly(Context ctx, String contentType) {
        if (ctx.method() != HandlerType.HEAD) {
            return false;
        }
        ctx.contentType(contentType);
        ctx.attribute(LENGTH_UNKNOWN, true);
        return true;
    }

    /** Sends a {@link #headOnly} answer's header without a length: called once its handler is done. */
    static void endHeadOnly(Context ctx) {
        if (ctx.attribute(LENGTH_UNKNOWN) != null && ctx.statusCode() == 200 && !ctx.res().isCommitted()) {
            try {
                ctx.res().flushBuffer();
            } catch (IOException gone) {
                // the client went away: there is nothing left to answer
            }
        }
    }

    /**
     * Answers {@code value} as JSON written while it is serialised, never held as one string: for a document as large
     * as a customer's data export, whose lazy parts are read as they are written. {@code beforeEnd} runs once the value
     * is written and before the answer ends, and fails it as {@link #stream} says when it throws: an answer small
     * enough to be still in the buffer is then replaced by its problem.
     */
    public void writeJson(Context ctx, Object value, Runnable beforeEnd) {
        stream(ctx, ContentType.APPLICATION_JSON.getMimeType(), out -> {
            streamingWriter.writeValue(out, value);
            beforeEnd.run();
        });
    }

    /** Writes an answer's body to the stream it is given, which it must not close. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Answers a body of {@code contentType} written as {@code body} makes it, never held whole, gzipped for a client
     * that takes gzip (an export of every customer shrinks to about a fifth). Should a read fail midway, the client
     * must never take what it got for the whole document: before anything went out, the failure is answered as any
     * other (500); once the answer is on its way, the connection is broken off, so the transfer fails. The framework's
     * own compression stays off here: it would end a broken-off answer cleanly, trailer and all, where this one leaves
     * the gzip stream without its trailer.
     */
    public void stream(Context ctx, String contentType, BodyWriter body) {
        ctx.disableCompression();
        ctx.contentType(contentType);
        ctx.header("Vary", "Accept-Encoding");
        boolean gzip = takesGzip(ctx.header("Accept-Encoding"));
        if (gzip) {
            ctx.header("Content-Encoding", "gzip");
        }
        try {
            // the gzip header is held back with the first compressed bytes: a failure before the body's first bytes
            // (an unknown customer, say) is then still answered as a problem, as it is without gzip
            OutputStream out = gzip ? new GZIPOutputStream(new BufferedOutputStream(ctx.outputStream(), GZIP_BUFFER),
                    GZIP_BUFFER) : ctx.outputStream();
            body.write(out);
            out.close(); // the gzip trailer: only a whole answer gets one
        } catch (IOException | RuntimeException e) {
            if (!ctx.res().isCommitted()) {
                ctx.res().resetBuffer();
                // what follows is a problem, plain, not the download
                ctx.res().setHeader("Content-Disposition", null);
                ctx.res().setHeader("Content-Encoding", null);
            } else {
                ctx.attribute(ABANDONED_ATTRIBUTE, true);
                if (!ProblemResponder.clientLeft(e)) {
                    // a client that left has no connection to break; breaking it here makes the framework complain
                    ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel().abort(e);
                }
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Whether an {@code Accept-Encoding} value takes gzip: named (or {@code *}) without {@code q=0}. */
    static boolean takesGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        boolean gzip = false;
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
                refused |= parameter.matches("q=0(\\.0{0,3})?");
            }
            if (name.equals("gzip") || name.equals("x-gzip")) {
                return !refused; // named, it decides whatever "*" said
            }
            gzip |= name.equals("*") && !refused;
        }
        return gzip;
    }

    /** Whether {@link #stream} broke off this request's answer: nothing more can be sent on it. */
    public static boolean answerAbandoned(Context ctx) {
        return ctx.attribute(ABANDONED_ATTRIBUTE) != null;
    }
}
