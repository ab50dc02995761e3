package dev.latchkey.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks real responses against api/openapi.yaml: the operation must exist (for routes of the API), the status must be
 * documented, and the body must match the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 defines it).
 */
public final class OpenApiContract {
    private static OpenApiContract shared;

    private final ObjectNode document;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private OpenApiContract(ObjectNode document) {
        this.document = document;
    }

    public static synchronized OpenApiContract shared() {
        if (shared == null) {
            try {
                var yaml = new ObjectMapper(new YAMLFactory());
                shared = new OpenApiContract((ObjectNode) yaml.readTree(Path.of("api/openapi.yaml").toFile()));
            } catch (Exception e) {
                throw new IllegalStateException("api/openapi.yaml cannot be read", e);
            }
        }
        return shared;
    }

    public JsonNode document() {
        return document;
    }

    /** Returns a description of every mismatch; empty when the response follows the contract. */
    public String check(String method, String path, int status, String contentType, JsonNode body) {
        if (method.equals("OPTIONS")) {
            return ""; // CORS preflights are HTTP plumbing, described in the document's description, not operations
        }
        // HEAD is GET without the body (RFC 9110): the same documented statuses, and no body to validate
        boolean head = method.equals("HEAD");
        if (head && body != null) {
            return "HEAD " + path + " answered a body";
        }
        String template = template(path);
        if (template == null) {
            return path.startsWith("/v1/") && status != 404 && status != 405 ? "path " + path + " is not in api/openapi.yaml"
                    : head ? "" : checkProblem(status, contentType, body);
        }
        JsonNode operation = document.path("paths").path(template).path(head ? "get" : method.toLowerCase());
        if (operation.isMissingNode()) {
            return status != 405 && status != 404 ? method + " " + template + " is not in api/openapi.yaml"
                    : head ? "" : checkProblem(status, contentType, body);
        }
        String responsePointer = "/paths/" + escape(template) + "/" + method.toLowerCase() + "/responses/" + status;
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            return "status " + status + " of " + method + " " + template + " is not documented";
        }
        while (response.has("$ref")) { // a shared answer under components/responses
            responsePointer = response.get("$ref").asText().substring(1);
            response = document.at(responsePointer);
        }
        JsonNode content = response.path("content");
        if (head || content.isMissingNode() || content.isEmpty()) {
            return body == null ? "" : status + " of " + method + " " + template + " has a body it does not document";
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim();
        if (!content.has(mediaType)) {
            return "content type " + mediaType + " of " + status + " " + method + " " + template + " is not documented";
        }
        String pointer = responsePointer + "/content/" + escape(mediaType) + "/schema";
        return validate(pointer, body);
    }

    private String checkProblem(int status, String contentType, JsonNode body) {
        if (contentType == null || !contentType.startsWith("application/problem+json")) {
            return status + " answer is not problem+json";
        }
        return validate("/components/schemas/Problem", body);
    }

    private String validate(String pointer, JsonNode body) {
        JsonSchema schema = schemas.computeIfAbsent(pointer, p -> {
            ObjectNode root = document.deepCopy();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", "#" + p);
            return factory.getSchema(root);
        });
        Set<ValidationMessage> messages = schema.validate(body == null ? document.nullNode() : body);
        return messages.isEmpty() ? "" : messages.toString();
    }

    /** The path's template; a path written out literally wins over a template with a variable, as OpenAPI says. */
    private String template(String path) {
        if (document.path("paths").has(path)) {
            return path;
        }
        for (Iterator<String> it = document.path("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String regex = "^" + Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "$";
            if (path.matches(regex)) {
                return template;
            }
        }
        return null;
    }

    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
