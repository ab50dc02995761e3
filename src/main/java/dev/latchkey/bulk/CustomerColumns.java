package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.address.Address;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.Customer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The columns of the customer CSV, those of Shopify's customer export first, then the service's own (snake_case, as
 * the API names them). An export writes all of them; an import reads the ones it knows, by name in any case and
 * order, and leaves the others alone.
 */
final class CustomerColumns {
    /** The field of a row's body that a column fills; a default-address field is under {@value #ADDRESS}. */
    private record Column(String header, String field, BiFunction<Customer, Address, String> exported) {
    }

    /**
     * A customer's tags in one cell, comma-separated as Shopify writes them (a tag holds no comma); an import splits
     * the cell into the {@code tags} array its body takes.
     */
    static final String TAGS = "tags";
    private static final String TAGS_HEADER = "Tags";

    static final String ADDRESS = "default_address";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<Column> EXPORTED = List.of(
            new Column("Customer ID", null, (c, a) -> c.id()),
            new Column("First Name", "first_name", (c, a) -> c.profile().firstName()),
            new Column("Last Name", "last_name", (c, a) -> c.profile().lastName()),
            new Column("Email", "email", (c, a) -> c.email()),
            new Column("Accepts Email Marketing", "accepts_marketing",
                    (c, a) -> c.profile().acceptsMarketing() ? "yes" : "no"),
            new Column("Default Address Company", ADDRESS + ".company", (c, a) -> a == null ? null : a.company()),
            new Column("Default Address Address1", ADDRESS + ".line1", (c, a) -> a == null ? null : a.line1()),
            new Column("Default Address Address2", ADDRESS + ".line2", (c, a) -> a == null ? null : a.line2()),
            new Column("Default Address City", ADDRESS + ".city", (c, a) -> a == null ? null : a.city()),
            new Column("Default Address Province Code", ADDRESS + ".region", (c, a) -> a == null ? null : a.region()),
            new Column("Default Address Country Code", ADDRESS + ".country", (c, a) -> a == null ? null : a.country()),
            new Column("Default Address Zip", ADDRESS + ".postal_code", (c, a) -> a == null ? null : a.postalCode()),
            new Column("Default Address Phone", ADDRESS + ".phone", (c, a) -> a == null ? null : a.phone()),
            new Column("Phone", "phone", (c, a) -> c.profile().phone()),
            new Column("Note", "note", (c, a) -> c.note()),
            new Column("status", "status", (c, a) -> c.status().wire()),
            new Column("email_verified", "email_verified", (c, a) -> Boolean.toString(c.emailVerified())),
            new Column("created_at", null, (c, a) -> c.createdAt().toString()),
            new Column("updated_at", null, (c, a) -> c.updatedAt().toString()),
            new Column("preferred_language", "preferred_language", (c, a) -> c.profile().preferredLanguage()));

    /** Columns an import reads besides the exported ones: Shopify's older name, and the service's own fields. */
    private static final Map<String, String> ALSO_IMPORTED = Map.of(
            "accepts marketing", "accepts_marketing",
            "password_hash", "password_hash",
            "password", "password");

    private static final Map<String, String> FIELD_OF_HEADER = fieldsOfHeaders();
    private static final List<String> BOOLEANS = List.of("accepts_marketing", "email_verified");

    private CustomerColumns() {
    }

    private static Map<String, String> fieldsOfHeaders() {
        Map<String, String> fields = new HashMap<>(ALSO_IMPORTED);
        fields.put(key(TAGS_HEADER), TAGS);
        EXPORTED.stream().filter(column -> column.field() != null)
                .forEach(column -> fields.put(key(column.header()), column.field()));
        return Map.copyOf(fields);
    }

    private static String key(String header) {
        return header.strip().toLowerCase(Locale.ROOT);
    }

    /** The exported columns, with Tags after Note (as in Shopify's export, whose columns between them we lack). */
    static List<String> headers() {
        List<String> headers = new ArrayList<>(EXPORTED.stream().map(Column::header).toList());
        headers.add(tagsPosition(), TAGS_HEADER);
        return headers;
    }

    static List<String> exported(AdminCustomer customer, Address defaultAddress) {
        List<String> cells = new ArrayList<>(EXPORTED.size() + 1);
        EXPORTED.forEach(column -> cells.add(column.exported().apply(customer.customer(), defaultAddress)));
        cells.add(tagsPosition(), customer.tags().isEmpty() ? null : String.join(", ", customer.tags()));
        return cells;
    }

    private static int tagsPosition() {
        return EXPORTED.stream().map(Column::header).toList().indexOf("Note") + 1;
    }

    /**
     * How a file's header row is read: the field each known column fills, by position; the others are left out.
     * {@code columnOf} names, for a field of a row's body, the column it came from as the file writes it, so that a
     * refused row names the column the merchant sees.
     */
    record Header(List<String> fields, Map<String, String> columnOf) {
        static Header of(List<String> headers) {
            List<String> fields = new ArrayList<>(headers.size());
            Map<String, String> columnOf = new LinkedHashMap<>();
            for (int i = 0; i < headers.size(); i++) {
                // a byte-order mark is no part of the first column's name
                String header = i == 0 ? headers.get(i).replace("\uFEFF", "") : headers.get(i);
                String field = FIELD_OF_HEADER.get(key(header));
                fields.add(field != null && !columnOf.containsKey(field) ? field : null);
                if (field != null) {
                    columnOf.putIfAbsent(field, header.strip());
                }
            }
            return new Header(fields, Map.copyOf(columnOf));
        }

        Optional<String> column(String field) {
            return Optional.ofNullable(columnOf.get(field));
        }

        /**
         * A record as the body {@code POST /v1/admin/customers} takes (plus its default address): an empty cell is a
         * field left out; yes and no (any case) are the booleans Shopify writes.
         */
        ObjectNode body(List<String> cells) {
            ObjectNode body = NODES.objectNode();
            for (int i = 0; i < Math.min(cells.size(), fields.size()); i++) {
                String field = fields.get(i);
                String value = Csv.unneutralised(cells.get(i));
                if (field == null || value.isBlank()) {
                    continue;
                }
                ObjectNode target = body;
                String name = field;
                if (field.startsWith(ADDRESS + ".")) {
                    target = body.has(ADDRESS) ? (ObjectNode) body.get(ADDRESS) : body.putObject(ADDRESS);
                    name = field.substring(ADDRESS.length() + 1);
                }
                if (field.equals(TAGS)) {
                    ArrayNode tags = target.putArray(name);
                    Arrays.stream(value.split(",")).filter(tag -> !tag.isBlank()).forEach(tags::add);
                } else if (BOOLEANS.contains(field) && bool(value).isPresent()) {
                    target.put(name, bool(value).get());
                } else {
                    target.put(name, value);
                }
            }
            return body;
        }
    }

    private static Optional<Boolean> bool(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> Optional.of(true);
            case "no", "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
