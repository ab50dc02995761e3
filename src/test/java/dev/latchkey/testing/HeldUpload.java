package dev.latchkey.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload on a connection of its own that asks first whether to send its body ({@code Expect: 100-continue}): the
 * server asks once its route starts reading the body, and the upload then sends half of it and holds the rest, so that
 * the request stays mid-body for as long as the test likes (within the server's idle timeout).
 */
public final class HeldUpload implements AutoCloseable {
    private final Socket socket;
    private final byte[] body;

    private HeldUpload(Socket socket, byte[] body) {
        this.socket = socket;
        this.body = body;
    }

    /** Sends the request's head, waits until the server asks for the body, and sends the first half of it. */
    public static HeldUpload start(Api api, String path, Map<String, String> headers, byte[] body) {
        URI base = URI.create(api.baseUrl());
        try {
            var socket = new Socket(base.getHost(), base.getPort());
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + base.getHost()
                    + "\r\nExpect: 100-continue\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            String interim = readHead(socket.getInputStream());
            assertThat(interim).as("the server's answer to the head").startsWith("HTTP/1.1 100 ");
            socket.getOutputStream().write(body, 0, body.length / 2);
            socket.getOutputStream().flush();
            return new HeldUpload(socket, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the rest of the body; answers the server's answer, status line first. */
    public String finish() {
        try {
            socket.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Goes away with the body half sent, as a client that lost its connection. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
