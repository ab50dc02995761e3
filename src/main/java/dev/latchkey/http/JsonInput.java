package dev.latchkey.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A request body read as a JSON object. Each accessor checks one field's type and bounds and collects what is wrong,
 * so that one 422 answer lists every bad field at once; {@link #validate()} throws it.
 */
public final class JsonInput {
    private final ObjectNode body;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonInput(ObjectNode body) {
        this.body = body;
    }

    /**
     * Reads the body from its bytes, decoded strictly: bytes that are not UTF-8 (Latin-1, overlong forms, encoded
     * surrogates) are refused rather than turned into replacement characters and stored. A string escaping half of a
     * surrogate pair ({@code "\\ud800"}) is refused too (I-JSON, RFC 7493): it is no text, and would be stored as
     * {@code ?}; and so is an object naming one member twice.
     */
    public static JsonInput parse(ObjectReader reader, byte[] raw) {
        if (isBlank(raw)) {
            return new JsonInput(JsonNodeFactory.instance.objectNode());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(400, "malformed_json", "The request body is not UTF-8.");
        }
        JsonNode node;
        try (JsonParser parser = reader.createParser(text)) {
            try {
                node = reader.readTree(parser);
            } catch (StreamConstraintsException e) {
                throw beyondParserLimits(parser, e);
            }
        } catch (StreamReadException e) {
            // which of two values would count is up to each parser on the way (I-JSON, RFC 7493, refuses it)
            throw new ApiError(400, "malformed_json", e.getOriginalMessage().startsWith("Duplicate field")
                    ? "The request body names a member twice in one object." : "The request body is not valid JSON.");
        } catch (JacksonException e) {
            throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a parser over a string reads no I/O
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ApiError(400, "malformed_json", "The request body must be a JSON object.");
        }
        if (holdsLoneSurrogate(object)) {
            throw new ApiError(400, "malformed_json", "The request body holds a string that is not Unicode text "
                    + "(half of a surrogate pair).");
        }
        return new JsonInput(object);
    }

    /**
     * Valid JSON that nests deeper than the parser follows (1,000 levels) or holds a number longer than it reads:
     * refused as the field's value (422), named by the top-level member the parser was in, like the smaller limits the
     * fields set themselves. A member name too long to read is no field's value: it has not been read when the parser
     * stops, and the member the parser names then is the one before it.
     */
    private static ApiError beyondParserLimits(JsonParser parser, StreamConstraintsException e) {
        if (e.getOriginalMessage().startsWith("Name length")) {
            return new ApiError(400, "malformed_json", "The request body names a member longer than the server reads.");
        }
        JsonStreamContext context = parser.getParsingContext();
        while (context.getParent() != null && context.getParent().getParent() != null) {
            context = context.getParent();
        }
        String field = context.getCurrentName();
        if (field == null) {
            return new ApiError(400, "malformed_json", "The request body must be a JSON object.");
        }
        boolean deep = e.getOriginalMessage().contains("nesting depth");
        return ApiError.validation(field, deep ? "too_deep" : "too_long", deep
                ? field + " nests objects and arrays deeper than the server reads."
                : field + " holds a number longer than the server reads.");
    }

    /** The reader {@link #parse} takes, made once: the service's JSON configuration, refusing duplicate members. */
    public static ObjectReader reader(ObjectMapper mapper) {
        return mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    private static boolean isBlank(byte[] raw) {
        for (byte b : raw) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean holdsLoneSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.textValue());
        }
        for (var fields = node.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (hasLoneSurrogate(field.getKey()) || holdsLoneSurrogate(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (holdsLoneSurrogate(item)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public static JsonInput of(ObjectNode body) {
        return new JsonInput(body);
    }

    public ObjectNode raw() {
        return body;
    }

    public boolean has(String field) {
        return body.has(field);
    }

    /** Present with a value other than {@code null}, which reads as absent. */
    public boolean given(String field) {
        JsonNode node = body.get(field);
        return node != null && !node.isNull();
    }

    public Iterator<String> fieldNames() {
        return body.fieldNames();
    }

    public void reject(String field, String code, String message) {
        errors.add(new FieldError(field, code, message));
    }

    /** Each field but the {@code known} ones answers 422 {@code unknown_field}, with {@code message}. */
    public void rejectUnknown(Set<String> known, String message) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                reject(name, "unknown_field", message);
            }
        }
    }

    /** Fields that the caller may not set here answer 422 {@code read_only}. */
    public void rejectPresent(Set<String> fields) {
        for (String field : fields) {
            if (body.has(field)) {
                reject(field, "read_only", field + " cannot be changed here.");
            }
        }
    }

    public String required(String field, int maxLength) {
        return required(field, maxLength, maxLength);
    }

    private String required(String field, int maxLength, int rawLimit) {
        Optional<String> value = string(field, maxLength, rawLimit);
        if (value.isEmpty() && !hasErrorFor(field)) {
            reject(field, "required", field + " is required.");
        }
        return value.orElse(null);
    }

    /** A string that may be absent or null; blank strings count as absent. */
    public Optional<String> string(String field, int maxLength) {
        return string(field, maxLength, maxLength);
    }

    /**
     * A text that is trimmed and composed before it is stored is measured as stored ({@link #isOneLine}): padding or
     * a decomposed accent must not make it too long. As it arrives it is only bounded, to bound the work on it.
     */
    private static int beforeTrimming(int maxLength) {
        return 4 * maxLength + 64;
    }

    private Optional<String> string(String field, int maxLength, int rawLimit) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            reject(field, "invalid_type", field + " must be a string.");
            return Optional.empty();
        }
        String value = node.textValue();
        if (Text.length(value) > rawLimit) {
            reject(field, "too_long", field + " must be at most " + maxLength + " characters.");
            return Optional.empty();
        }
        if (Text.hasControlCharacter(value)) {
            reject(field, "invalid", field + " must not contain control characters.");
            return Optional.empty();
        }
        return Text.isBlank(value) ? Optional.empty() : Optional.of(value);
    }

    public Long requiredInteger(String field, long min, long max) {
        Optional<Long> value = integer(field, min, max);
        if (value.isEmpty() && !hasErrorFor(field)) {
            reject(field, "required", field + " is required.");
        }
        return value.orElse(null);
    }

    /**
     * An array of {@code minItems..maxItems} JSON objects, each to be read with its own input; hand those back to
     * {@link #adopt} so that their errors are reported here as {@code field[i].name}.
     */
    public Optional<List<JsonInput>> objects(String field, int minItems, int maxItems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            reject(field, "invalid_type", field + " must be an array of objects.");
            return Optional.empty();
        }
        if (node.size() < minItems || node.size() > maxItems) {
            reject(field, node.size() < minItems ? "too_short" : "too_long",
                    field + " must hold " + minItems + " to " + maxItems + " items.");
            return Optional.empty();
        }
        List<JsonInput> items = new ArrayList<>();
        for (JsonNode item : node) {
            if (!(item instanceof ObjectNode object)) {
                reject(field, "invalid_type", "Each item of " + field + " must be an object.");
                return Optional.empty();
            }
            items.add(new JsonInput(object));
        }
        return Optional.of(items);
    }

    /** Takes over the errors of an input read from a nested object, naming them under {@code prefix}. */
    public void adopt(String prefix, JsonInput nested) {
        nested.errors.forEach(e -> errors.add(new FieldError(prefix + e.field(), e.code(), e.message())));
    }

    /**
     * A text field of a partial update: when absent, {@code changes} is left alone; null or blank records null (clear
     * it); else the trimmed text is recorded, which must be one line that reads as it is stored. Returns the new text,
     * if any.
     */
    public Optional<String> textChange(String field, int maxLength, Map<String, Object> changes) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        Optional<String> value = line(field, maxLength);
        if (!hasErrorFor(field)) {
            changes.put(field, value.orElse(null));
        }
        return value;
    }

    /** An optional text, trimmed, which must be one line that reads as it is stored; blank reads as absent. */
    public Optional<String> line(String field, int maxLength) {
        return string(field, maxLength, beforeTrimming(maxLength)).map(Text::trimmedLine)
                .filter(text -> isOneLine(field, text, maxLength));
    }

    /** A required text, trimmed, which must be one line that reads as it is stored (a shop's name, say). */
    public String requiredLine(String field, int maxLength) {
        String value = required(field, maxLength, beforeTrimming(maxLength));
        String line = value == null ? null : Text.trimmedLine(value);
        return line != null && isOneLine(field, line, maxLength) ? line : null;
    }

    private boolean isOneLine(String field, String value, int maxLength) {
        if (Text.length(value) > maxLength) {
            reject(field, "too_long", field + " must be at most " + maxLength + " characters.");
            return false;
        }
        if (Text.breaksLine(value)) {
            // names and address lines end up in a mail's greeting or subject, on labels and in exports, each as one line
            reject(field, "invalid", field + " must be one line, without tabs or line breaks.");
            return false;
        }
        if (Text.overridesDirection(value)) {
            // shown there, such a name reads as another ("Trojan Source"); right-to-left names need none of them
            reject(field, "invalid", field + " must not hold bidi embeddings, overrides or isolates.");
            return false;
        }
        return true;
    }


    public Optional<Boolean> bool(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            reject(field, "invalid_type", field + " must be true or false.");
            return Optional.empty();
        }
        return Optional.of(node.booleanValue());
    }

    public Optional<Long> integer(String field, long min, long max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!isWholeNumber(node)) {
            reject(field, "invalid_type", field + " must be a whole number.");
            return Optional.empty();
        }
        long value = node.longValue();
        if (!node.canConvertToLong() || value < min || value > max) {
            reject(field, "out_of_range", field + " must be between " + min + " and " + max + ".");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /**
     * JSON has one kind of number, so {@code 60.0} is the whole number 60, as JSON Schema's {@code integer} (and so the
     * API document) has it; {@code 60.5} is not.
     */
    public static boolean isWholeNumber(JsonNode node) {
        return node.isIntegralNumber() || node.isNumber() && node.canConvertToExactIntegral();
    }

    public Optional<ObjectNode> object(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!(node instanceof ObjectNode object)) {
            reject(field, "invalid_type", field + " must be a JSON object.");
            return Optional.empty();
        }
        return Optional.of(object);
    }

    /** An array of strings, each kept once in the order first given; at most {@code maxItems} distinct ones. */
    public Optional<List<String>> distinctStrings(String field, int maxItems, int maxLength) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            reject(field, "invalid_type", field + " must be an array of strings.");
            return Optional.empty();
        }
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                reject(field, "invalid_type", field + " must hold strings of at most " + maxLength + " characters.");
                return Optional.empty();
            }
            if (Text.length(item.textValue()) > maxLength) {
                reject(field, "too_long", field + " must hold strings of at most " + maxLength + " characters.");
                return Optional.empty();
            }
            values.add(item.textValue());
        }
        if (values.size() > maxItems) {
            reject(field, "too_long", field + " may hold at most " + maxItems + " distinct items.");
            return Optional.empty();
        }
        return Optional.of(List.copyOf(values));
    }

    /**
     * An array of names that {@code parse} knows, each named once: 422 {@code invalid_type} for no array of strings,
     * {@code invalid} for an unknown name (the message lists {@code known}), {@code duplicate} for a name given twice
     * (refused rather than merged: the caller's idea of what it asked for and what was stored would differ). Empty when
     * the field is absent, null or refused; the caller decides whether absent or empty is allowed.
     */
    public <E extends Enum<E>> Optional<Set<E>> distinctNames(String field, Class<E> type,
                                                              Function<String, Optional<E>> parse, String known) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            reject(field, "invalid_type", field + " must be an array of names, of " + known + ".");
            return Optional.empty();
        }
        Set<E> names = EnumSet.noneOf(type);
        for (JsonNode item : node) {
            Optional<E> name = item.isTextual() ? parse.apply(item.textValue()) : Optional.empty();
            if (name.isEmpty()) {
                reject(field, item.isTextual() ? "invalid" : "invalid_type", field + " may only name " + known + ".");
                return Optional.empty();
            }
            if (!names.add(name.get())) {
                reject(field, "duplicate", field + " names " + item.textValue() + " more than once.");
                return Optional.empty();
            }
        }
        return Optional.of(names);
    }

    public boolean hasErrorFor(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    public void validate() {
        if (!errors.isEmpty()) {
            throw ApiError.validation(errors);
        }
    }
}
