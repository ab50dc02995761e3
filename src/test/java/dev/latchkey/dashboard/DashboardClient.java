package dev.latchkey.dashboard;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A browser without a browser: keeps cookies, never follows redirects, posts forms with the page's CSRF token. */
final class DashboardClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** An answer: status, headers and the HTML. */
    record Page(int status, Map<String, List<String>> headers, String html) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        List<String> cookies() {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
                    .flatMap(e -> e.getValue().stream()).toList();
        }

        String csrf() {
            Matcher m = CSRF.matcher(html);
            assertThat(m.find()).as("a form with a CSRF token in %s", html).isTrue();
            return m.group(1);
        }

        Page expect(int expected) {
            assertThat(status).as("status of %s", html).isEqualTo(expected);
            return this;
        }

        Page expectRedirect(String location) {
            assertThat(status).as("status of %s", html).isEqualTo(303);
            assertThat(header("Location")).isEqualTo(location);
            return this;
        }
    }

    private final String baseUrl;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();

    DashboardClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    DashboardClient header(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    Map<String, String> cookies() {
        return cookies;
    }

    Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Page post(String path, Map<String, String> form) {
        return post(path, List.copyOf(form.entrySet()));
    }

    /** Posts a form whose fields may come several times, as ticked boxes of one name do. */
    private Page post(String path, List<Map.Entry<String, String>> form) {
        String body = form.stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Posts a body as it is, under the content type given (none when null): what no form of ours sends. */
    Page postRaw(String path, String contentType, String body) {
        var builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        return send(contentType == null ? builder : builder.header("Content-Type", contentType));
    }

    /** Posts a form with the CSRF token of {@code page} added. */
    Page submit(Page page, String path, Map<String, String> fields) {
        return submit(page, path, List.copyOf(fields.entrySet()));
    }

    /** Posts a form with the CSRF token of {@code page} added, whose fields may come several times. */
    Page submit(Page page, String path, List<Map.Entry<String, String>> fields) {
        List<Map.Entry<String, String>> form = new ArrayList<>(fields);
        form.add(Map.entry("_csrf", page.csrf()));
        return post(path, form);
    }

    /** A file of a multipart form: its name and type as a browser names them. */
    record Upload(String fileName, String contentType, byte[] content) {
    }

    /**
     * Posts a multipart form as a browser uploads a file: the fields (the CSRF token among them, when the test wants
     * one), then the file in the field {@code fileField} (an empty part with no file name, as for no file chosen, when
     * null).
     */
    Page upload(String path, Map<String, String> fields, String fileField, Upload file) {
        String boundary = "----LatchkeyTestBoundary" + Long.toHexString(System.nanoTime());
        var body = new java.io.ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        String fileName = file == null ? "" : file.fileName();
        String type = file == null ? "application/octet-stream" : file.contentType();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                + "\"; filename=\"" + fileName + "\"\r\nContent-Type: " + type + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file == null ? new byte[0] : file.content());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    /** Opens the login page and logs in; returns the answer to the login post. */
    Page login(String tenantId, String email, String password) {
        Page form = get("/dashboard/login").expect(200);
        return submit(form, "/dashboard/login", Map.of("tenant_id", tenantId, "email", email, "password", password));
    }

    /**
     * Confirms the session with {@code password} on the form that {@code /dashboard/{next}} shows while unconfirmed
     * (next: a guarded page's name, such as {@code staff}, {@code api-keys} or {@code settings}); returns the answer
     * to it.
     */
    Page confirm(String next, String password) {
        Page form = get("/dashboard/" + next).expect(200);
        return submit(form, "/dashboard/confirm", Map.of("next", next, "password", password));
    }

    /** Confirms the session of an owner with their password: the pages that ask for it then work for 10 minutes. */
    Page confirm(String password) {
        return confirm("staff", password).expectRedirect("/dashboard/staff");
    }

    private Page send(HttpRequest.Builder builder) {
        if (!cookies.isEmpty()) {
            builder.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        extraHeaders.forEach(builder::header);
        try {
            HttpResponse<String> res = CLIENT.send(builder.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Page page = new Page(res.statusCode(), res.headers().map(), res.body());
            page.cookies().forEach(this::remember);
            return page;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void remember(String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        String name = pair.substring(0, pair.indexOf('='));
        String value = pair.substring(pair.indexOf('=') + 1);
        if (setCookie.contains("Max-Age=0") || value.isEmpty()) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
