package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.address.Address;
import dev.latchkey.customer.AdminCustomer;
import dev.latchkey.customer.Customer;
import dev.latchkey.customer.OrderSummary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The columns of the customer CSV, those of Shopify's customer export first, then the service's own (snake_case, as
 * the API names them). An export writes all of them; an import reads the ones it knows, by name in any case and
 * order, and leaves the others alone.
 */
final class CustomerColumns {
    /**
     * The field of a row's body that a column fills (null: not imported); a default-address field is under
     * {@value #ADDRESS}.
     */
    private record Column(String header, String field, Function<Row, String> exported) {
    }

    /** What one exported line is written from. */
    record Row(AdminCustomer tagged, Address defaultAddress, OrderSummary orders) {
        private Customer customer() {
            return tagged.customer();
        }
    }

    /**
     * A customer's tags in one cell, comma-separated as Shopify writes them (a tag holds no comma); an import splits
     * the cell into the {@code tags} array its body takes.
     */
    static final String TAGS = "tags";

    static final String ADDRESS = "default_address";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * In the order of Shopify's export, whose columns between them we lack (Accepts SMS Marketing, Tax Exempt), then
     * the service's own. Total Spent and Total Orders are written and never read: they are the shop's figures of the
     * customer's orders, not data of the account.
     */
    private static final List<Column> EXPORTED = List.of(
            new Column("Customer ID", null, r -> r.customer().id()),
            new Column("First Name", "first_name", r -> r.customer().profile().firstName()),
            new Column("Last Name", "last_name", r -> r.customer().profile().lastName()),
            new Column("Email", "email", r -> r.customer().email()),
            new Column("Accepts Email Marketing", "accepts_marketing",
                    r -> r.customer().profile().acceptsMarketing() ? "yes" : "no"),
            addressColumn("Default Address Company", "company", Address::company),
            addressColumn("Default Address Address1", "line1", Address::line1),
            addressColumn("Default Address Address2", "line2", Address::line2),
            addressColumn("Default Address City", "city", Address::city),
            addressColumn("Default Address Province Code", "region", Address::region),
            addressColumn("Default Address Country Code", "country", Address::country),
            addressColumn("Default Address Zip", "postal_code", Address::postalCode),
            addressColumn("Default Address Phone", "phone", Address::phone),
            new Column("Phone", "phone", r -> r.customer().profile().phone()),
            new Column("Total Spent", null, r -> totalSpent(r.orders())),
            new Column("Total Orders", null, r -> Long.toString(r.orders().ordersCount())),
            new Column("Note", "note", r -> r.customer().note()),
            new Column("Tags", TAGS, r -> r.tagged().tags().isEmpty() ? null : String.join(", ", r.tagged().tags())),
            new Column("status", "status", r -> r.customer().status().wire()),
            new Column("email_verified", "email_verified", r -> Boolean.toString(r.customer().emailVerified())),
            new Column("created_at", null, r -> r.customer().createdAt().toString()),
            new Column("updated_at", null, r -> r.customer().updatedAt().toString()),
            new Column("preferred_language", "preferred_language", r -> r.customer().profile().preferredLanguage()));

    private static Column addressColumn(String header, String field, Function<Address, String> value) {
        return new Column(header, ADDRESS + "." + field,
                r -> r.defaultAddress() == null ? null : value.apply(r.defaultAddress()));
    }

    /**
     * Shopify's Total Spent is one amount in the shop's currency. Spent in one currency, the amount alone is written,
     * as Shopify writes it; in several, which are never added up, each amount with its currency ("59.90 EUR; 12.00
     * USD", by currency code); "0" when nothing counts as spent.
     */
    private static String totalSpent(OrderSummary orders) {
        List<OrderSummary.Spent> spent = orders.amountSpent();
        if (spent.isEmpty()) {
            return "0";
        }
        if (spent.size() == 1) {
            return spent.getFirst().amount();
        }
        return spent.stream().map(s -> s.amount() + " " + s.currency()).collect(Collectors.joining("; "));
    }

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
        EXPORTED.stream().filter(column -> column.field() != null)
                .forEach(column -> fields.put(key(column.header()), column.field()));
        return Map.copyOf(fields);
    }

    private static String key(String header) {
        return header.strip().toLowerCase(Locale.ROOT);
    }

    static List<String> headers() {
        return EXPORTED.stream().map(Column::header).toList();
    }

    static List<String> exported(Row row) {
        // a cell may be null (left empty), which List.toList() keeps
        return EXPORTED.stream().map(column -> column.exported().apply(row)).toList();
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
