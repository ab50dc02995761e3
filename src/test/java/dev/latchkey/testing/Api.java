package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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
        private byte[] body;

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

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** A body: bytes or a String are sent as they are (for malformed JSON), anything else as JSON. */
        public Call body(Object value) {
            this.body = value instanceof byte[] bytes ? bytes
                    : (value instanceof String raw ? raw : json(value)).getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Res send() {
            var builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
            headers.forEach(builder::header);
            if (body != null) {
                builder.header("Content-Type", "application/json");
            }
            builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            try {
                HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = response.body().isEmpty() ? null : parse(response.body());
                String contentType = response.headers().firstValue("Content-Type").orElse(null);
                String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                String mismatch = contract.check(method, pathOnly, response.statusCode(), contentType, json);
                assertThat(mismatch).as("%s %s -> %d %s: contract check", method, path, response.statusCode(),
                        response.body()).isEmpty();
                assertThat(response.headers().firstValue("X-Request-Id")).as("X-Request-Id").isPresent();
                return new Res(response.statusCode(), response.headers(), json, response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(method + " " + path + " failed", e);
            }
        }
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
