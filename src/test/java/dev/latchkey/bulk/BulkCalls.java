package dev.latchkey.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.testing.Api;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TestServer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls of the bulk routes, and a reading of their CSV, for the export and import tests. */
public final class BulkCalls {
    static final String SHOPIFY_HEADER = "First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
            + "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
            + "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
            + "Total Spent,Total Orders,Note,Tax Exempt,Tags";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

    private BulkCalls() {
    }

    static Api.Res export(Api api, String bearer, String query) {
        return api.get("/v1/admin/customers/export" + query).bearer(bearer).send();
    }

    static Api.Res upload(Api api, String bearer, String contentType, String body, String query) {
        return upload(api, bearer, contentType, body.getBytes(StandardCharsets.UTF_8), query);
    }

    static Api.Res upload(Api api, String bearer, String contentType, byte[] body, String query) {
        return api.post("/v1/admin/customers/imports" + query).bearer(bearer).header("Content-Type", contentType)
                .body(body).send();
    }

    /** Uploads the file and waits for its job to end; answers the ended job. */
    public static JsonNode importAndWait(Api api, String bearer, String contentType, String body, String query) {
        return importAndWait(api, bearer, contentType, body.getBytes(StandardCharsets.UTF_8), query);
    }

    static JsonNode importAndWait(Api api, String bearer, String contentType, byte[] body, String query) {
        Api.Res queued = upload(api, bearer, contentType, body, query).expect(202);
        assertThat(queued.header("Location")).isEqualTo("/v1/admin/customers/imports/" + queued.str("id"));
        return await(api, bearer, queued.header("Location"));
    }

    static JsonNode await(Api api, String bearer, String location) {
        JsonNode[] job = new JsonNode[1];
        Await.until(() -> {
            job[0] = api.get(location).bearer(bearer).send().expect(200).body();
            return ENDED.contains(job[0].path("status").asText());
        }, 30_000, "import " + location + " ended");
        return job[0];
    }

    /** A CSV of {@code rows} new customers, one email each. */
    static String emails(int rows) {
        StringBuilder csv = new StringBuilder("Email\n");
        for (int i = 0; i < rows; i++) {
            csv.append(Fixtures.uniqueEmail()).append('\n');
        }
        return csv.toString();
    }

    /** A secret key the operator issues to the suspended shop, which opens its admin routes during the suspension. */
    static String rescueKey(Api api, String tenantId) {
        return api.post("/v1/platform/tenants/" + tenantId + "/secret-keys")
                .bearer(TestServer.PLATFORM_TOKEN).send().expect(201).str("secret_key");
    }

    /** Every record of a CSV text (RFC 4180), each a list of its cells. */
    static List<List<String>> records(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                record.add(cell.toString());
                cell.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertThat(record).as("the last line ends with CRLF").isEmpty();
        return records;
    }

    /** The CSV's records as maps from the header's names. */
    static List<Map<String, String>> rows(String csv) {
        List<List<String>> records = records(csv);
        List<String> header = records.get(0);
        return records.subList(1, records.size()).stream().map(values -> {
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), values.get(i));
            }
            return row;
        }).toList();
    }

    static List<JsonNode> lines(String ndjson) {
        return ndjson.lines().map(line -> {
            try {
                return MAPPER.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }).toList();
    }
}
