package dev.latchkey.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads and drops what is left of a request's body once its answer is out. An answer given before the body was read
 * to its end (a refused key, an unknown path, a 415, a body over its limit) would otherwise close the connection on a
 * client that is still sending: the server's system then resets the connection for the bytes nobody read, and a client
 * that has not read the answer by then loses it too. The answer goes first, so that a client reading while it sends
 * can stop sending.
 * <p>
 * Bounded: at most {@link #DRAINED_BODY_BYTES}, or the request's own body limit when larger (an import's 20 MB), and
 * for no longer than the idle timeout in all, so that a client trickling a body cannot hold the request for as long as
 * each byte comes within the timeout; the connection is closed on what is left. A body announced larger than that is
 * answered {@code Connection: close}, and the server's end of the connection is shut right after the answer, so that
 * the client knows at once to stop. Not when the client asked first ({@code Expect: 100-continue}: it sends nothing
 * unless told to, and reading would tell it to after the answer), nor after a 408, whose body stopped arriving already.
 */
final class UnreadBodies implements Filter {
    /** The most of a body read (and dropped) after its answer, unless its route takes a larger one (an upload). */
    private static final long DRAINED_BODY_BYTES = 8 * HttpServer.MAX_BODY_BYTES;

    private final Duration idleTimeout;

    UnreadBodies(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        var http = (HttpServletRequest) request;
        if (!HttpServer.hasBody(http) || "100-continue".equalsIgnoreCase(http.getHeader("Expect"))
                || ((HttpServletResponse) response).getStatus() == 408) {
            return;
        }
        long deadline = System.nanoTime() + idleTimeout.toNanos();
        long bound = Math.max(DRAINED_BODY_BYTES, Requests.bodyLimit(http));
        if (http.getContentLengthLong() > bound) {
            ((HttpServletResponse) response).setHeader("Connection", "close");
        }
        try {
            // the framework leaves its answer open for the server to end after the request: ended here, it goes out
            // whole, with its length
            response.getOutputStream().close();
            InputStream body = request.getInputStream();
            // most bodies were read by their route: the first byte answers the end, and no buffer is needed
            int read = body.read();
            long left = bound - 1;
            byte[] dropped = read < 0 ? null : new byte[16 * 1024];
            while (read >= 0 && left > 0 && System.nanoTime() < deadline) {
                read = body.read(dropped, 0, (int) Math.min(dropped.length, left));
                left -= Math.max(read, 0);
            }
        } catch (IOException | IllegalStateException gone) {
            // the client stopped sending, went away or timed out, or the body was read as characters: nothing is due
        }
    }
}
