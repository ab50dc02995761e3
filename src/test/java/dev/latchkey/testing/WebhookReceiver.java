package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A merchant's webhook receiver on loopback, as a test starts it: it keeps every POST it gets and answers each with
 * the next status it was told to ({@link #answerNext}), else 200. {@link #verifies} checks a signature as the
 * documentation tells receivers to.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One POST: its headers (names in lower case) and body. */
    public record Received(Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String eventId() {
            return json().path("id").asText();
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Queue<Integer> answers = new ConcurrentLinkedQueue<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            var receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) ->
                        headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                receiver.received.add(new Received(headers, body));
                Integer status = receiver.answers.poll();
                byte[] answer = (status == null ? "ok" : "receiver says " + status).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status == null ? 200 : status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL to subscribe: plain http on loopback, which the test servers allow. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/latchkey";
    }

    /** The next POSTs are answered with these statuses, in order; then 200 again. */
    public void answerNext(Integer... statuses) {
        answers.addAll(List.of(statuses));
    }

    public List<Received> all() {
        return new ArrayList<>(received);
    }

    /** The POSTs of this event type so far. */
    public List<Received> ofType(String type) {
        return received.stream().filter(r -> type.equals(r.header("Latchkey-Event-Type"))).toList();
    }

    /** Waits for {@code count} POSTs of this event type and answers them. */
    public List<Received> await(String type, int count) {
        Await.until(() -> ofType(type).size() >= count, 15_000, count + " deliveries of " + type);
        return ofType(type);
    }

    /** Waits for the first POST of this event type. */
    public Received awaitOne(String type) {
        return await(type, 1).get(0);
    }

    /**
     * Whether one {@code v1} of the {@code Latchkey-Signature} header is the hex HMAC-SHA256, under the secret's UTF-8
     * bytes, of {@code t + "." + body}, compared in constant time; and {@code t} is within five minutes of now.
     */
    public static boolean verifies(Received request, String secret) {
        String header = request.header("Latchkey-Signature");
        if (header == null) {
            return false;
        }
        String t = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] pair = part.split("=", 2);
            if (pair.length == 2 && pair[0].equals("t")) {
                t = pair[1];
            } else if (pair.length == 2 && pair[0].equals("v1")) {
                signatures.add(pair[1]);
            }
        }
        if (t == null || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t))
                > Duration.ofMinutes(5).toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, t + "." + request.body()).getBytes(StandardCharsets.US_ASCII);
        return signatures.stream().anyMatch(signature ->
                MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
