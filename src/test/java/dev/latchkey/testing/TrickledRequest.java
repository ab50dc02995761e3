package dev.latchkey.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request sent a piece at a time on a connection of its own, as a slow or stubborn client sends it, while the answer
 * is read until the server ends the connection: how a test sees whether and when the server answers and lets go of a
 * client that keeps sending.
 */
public final class TrickledRequest {
    private TrickledRequest() {
    }

    /**
     * What the client read before the server ended the connection (closed, or reset it), how many bytes it had sent by
     * then ({@code start} included) and after how many milliseconds.
     */
    public record Ended(String answer, long sent, long millis) {
    }

    /**
     * Sends {@code start}, then {@code piece} again and again, {@code pauseMillis} apart, until {@code total} bytes are
     * sent or the connection breaks; answers once the server has ended the connection. Fails should that take 15 s.
     */
    public static Ended send(Api api, String start, byte[] piece, long pauseMillis, long total) {
        URI base = URI.create(api.baseUrl());
        long started = System.nanoTime();
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            byte[] head = start.getBytes(StandardCharsets.UTF_8);
            out.write(head);
            var sent = new AtomicLong(head.length);
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    while (sent.get() < total) {
                        out.write(piece);
                        out.flush();
                        sent.addAndGet(piece.length);
                        Thread.sleep(pauseMillis);
                    }
                } catch (IOException | InterruptedException stopped) {
                    // the server ended the connection, or the answer is read
                }
            });
            var answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (SocketException reset) {
                // ended all the same; what arrived before is kept
            }
            long sentByThen = sent.get();
            sender.interrupt();
            return new Ended(answer.toString(StandardCharsets.UTF_8), sentByThen,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
