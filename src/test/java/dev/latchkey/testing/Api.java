package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A small HTTP client for the real server. Every answer is checked against api/openapi.yaml. */
public final class Api {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final OpenApiContract contract;

    public Api(String baseUrl, OpenApiContract contract) {
        this.baseUrl = baseUrl;
        this.contract = contract;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Call get(String path) {
        return new Call("GET", path);
    }

    public Call post(String path) {
        return new Call("POST", path);
    }

    public Call put(String path) {
        return new Call("PUT", path);
    }

    public Call patch(String path) {
        return new Call("PATCH", path);
    }

    public Call delete(String path) {
        return new Call("DELETE", path);
    }

    public Call method(String method, String path) {
        return new Call(method, path);
    }

    /**
     * A request whose target is written on the wire exactly as given, for targets that {@link URI} refuses to build
     * (a stray {@code %}); sent over a plain socket, with any body written as it is after the headers given (which
     * may announce another length), and checked against the contract like the others.
     */
    public Call raw(String method, String target) {
        Call call = new Call(method, target);
        call.raw = true;
        return call;
    }

    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public final class Call {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        /** Fields sent once more under a name already in {@link #headers}. */
        private final List<Map.Entry<String, String>> repeated = new ArrayList<>();
        private byte[] body;
        private boolean expectContinue;
        private boolean raw;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Call key(String apiKey) {
            return header("X-Api-Key", apiKey);
        }

        public Call bearer(String token) {
            return header("Authorization", "Bearer " + token);
        }

        /** As the shopper: their tenant's publishable key and their access token. */
        public Call as(Fixtures.Shopper shopper) {
            return key(shopper.tenant().pk()).bearer(shopper.accessToken());
        }

        /** As an AI shopping agent: its customer's tenant's publishable key and the agent's token. */
        public Call as(Agents.Agent agent) {
            return key(agent.tenant().pk()).bearer(agent.accessToken());
        }

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** A second field of a name already set: {@link #header} would replace it. */
        public Call repeatHeader(String name, String value) {
            repeated.add(Map.entry(name, value));
            return this;
        }

        /**
         * Sends {@code Expect: 100-continue} and the body only once the server asks for it, as curl does with a large
         * body: a server refusing the request by its headers (413 for an announced length) answers before the body is
         * sent, where otherwise it could close the connection while the body is still being written.
         */
        public Call expectContinue() {
            this.expectContinue = true;
            return this;
        }

        /** A body: bytes or a String are sent as they are (for malformed JSON), anything else as JSON. */
        public Call body(Object value) {
            this.body = value instanceof byte[] bytes ? bytes
                    : (value instanceof String raw ? raw : json(value)).getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Res send() {
            if (raw) {
                return sendRaw();
            }
            var builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                    .expectContinue(expectContinue);
            headers.forEach(builder::header);
            repeated.forEach(field -> builder.header(field.getKey(), field.getValue()));
            if (body != null && !headers.containsKey("Content-Type")) {
                builder.header("Content-Type", "application/json");
            }
            builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            try {
                HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                return checked(response.statusCode(), response.headers(), response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(method + " " + path + " failed", e);
            }
        }

        /** HTTP/1.0, so that the answer ends with the connection rather than in chunks. */
        private Res sendRaw() {
            URI base = URI.create(baseUrl);
            try (var socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(30_000);
                StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.0\r\n");
                headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
                repeated.forEach(field -> request.append(field.getKey()).append(": ").append(field.getValue())
                        .append("\r\n"));
                socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
                if (body != null) {
                    socket.getOutputStream().write(body);
                }
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int end = answer.indexOf("\r\n\r\n");
                String[] head = answer.substring(0, end).split("\r\n");
                Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (int i = 1; i < head.length; i++) {
                    int colon = head[i].indexOf(':');
                    fields.computeIfAbsent(head[i].substring(0, colon), k -> new ArrayList<>())
                            .add(head[i].substring(colon + 1).trim());
                }
                return checked(Integer.parseInt(head[0].split(" ")[1]), HttpHeaders.of(fields, (k, v) -> true),
                        answer.substring(end + 4));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(method + " " + path + " failed", e);
            }
        }

        private Res checked(int status, HttpHeaders headers, String body) {
            String contentType = headers.firstValue("Content-Type").orElse(null);
            // a download that is not JSON (CSV, NDJSON) is checked as the text it is, even where a line parses or it
            // is empty (no customer to write)
            JsonNode json = body.isEmpty() && (method.equals("HEAD") || !notJson(contentType)) ? null
                    : notJson(contentType) ? MAPPER.getNodeFactory().textNode(body) : parse(body);
            String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            String mismatch = contract.check(method, pathOnly, status, contentType, json);
            assertThat(mismatch).as("%s %s -> %d %s: contract check", method, path, status, body).isEmpty();
            assertThat(headers.firstValue("X-Request-Id")).as("X-Request-Id").isPresent();
            assertChallenge(status, headers, json, body);
            return new Res(status, headers, json, body);
        }

        /**
         * A refused credential names how to authenticate (RFC 9110 15.5.2, RFC 6750 3.1), on every route: each 401 but
         * a login's wrong password, mfa_token or provider's ID token, whose credentials travel in the body, and each 403
         * for a credential of the wrong kind.
         */
        private void assertChallenge(int status, HttpHeaders headers, JsonNode json, String body) {
            String code = json == null ? null : json.path("code").asText(null);
            String challenge = headers.firstValue("WWW-Authenticate").orElse(null);
            if (status == 401) {
                var that = assertThat(challenge).as("%s %s -> 401 %s: WWW-Authenticate", method, path, body);
                if ("invalid_credentials".equals(code) || "invalid_mfa_token".equals(code)
                        || "invalid_id_token".equals(code)) {
                    that.isNull();
                } else if ("invalid_api_key".equals(code) && !path.startsWith("/v1/admin/")) {
                    that.isEqualTo("ApiKey header=\"X-Api-Key\"");
                } else {
                    that.isEqualTo("Bearer error=\"invalid_token\"");
                }
            }
            if (status == 403 && "insufficient_scope".equals(code)) {
                // an agent's grant without the scope a route needs names it (RFC 6750 3.1)
                assertThat(challenge).as("%s %s -> 403 %s: WWW-Authenticate", method, path, body)
                        .matches("Bearer error=\"insufficient_scope\"(, scope=\"[a-z]+:[a-z]+\")?");
            }
        }
    }

    private static boolean notJson(String contentType) {
        return contentType != null && (contentType.startsWith("text/csv")
                || contentType.startsWith("application/x-ndjson"));
    }

    private static JsonNode parse(String raw) {
        try {
            return MAPPER.readTree(raw);
        } catch (Exception e) {
            return MAPPER.getNodeFactory().textNode(raw);
        }
    }

    /** An answer: status, headers and the parsed body. */
    public record Res(int status, HttpHeaders headers, JsonNode body, String raw) {
        public String str(String field) {
            JsonNode node = body.path(field);
            return node.isMissingNode() || node.isNull() ? null : node.asText();
        }

        public String code() {
            return str("code");
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public Res expect(int expected) {
            assertThat(status).as("status of answer %s", raw).isEqualTo(expected);
            return this;
        }

        public Res expect(int expectedStatus, String expectedCode) {
            expect(expectedStatus);
            assertThat(code()).as("code of answer %s", raw).isEqualTo(expectedCode);
            assertThat(header("Content-Type")).startsWith("application/problem+json");
            return this;
        }
    }
}
