package dev.latchkey.bulk;

import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Await;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.HeldUpload;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node reads a few uploads at once (each holds its file in memory): one more is refused with 503 before its body is
 * read, and each upload frees its slot however it ends.
 */
class ImportUploadSlotsTest extends ApiTest {
    private static final String IMPORTS = "/v1/admin/customers/imports";

    /** An upload of a few new customers held mid-body, of a shop of its own (a shop has a few imports at once). */
    private HeldUpload held() {
        return HeldUpload.start(api, IMPORTS, Map.of("Authorization", "Bearer " + Fixtures.tenant(api).sk(),
                "Content-Type", "text/csv"), BulkCalls.emails(3).getBytes(StandardCharsets.UTF_8));
    }

    private List<HeldUpload> holdEverySlot() {
        List<HeldUpload> held = new ArrayList<>();
        for (int i = 0; i < CustomerImports.UPLOADS_AT_ONCE; i++) {
            held.add(held());
        }
        return held;
    }

    private void assertAnUploadIsQueued() {
        var tenant = Fixtures.tenant(api);
        assertThat(BulkCalls.importAndWait(api, tenant.sk(), "text/csv", BulkCalls.emails(1), "").path("status")
                .asText()).isEqualTo("succeeded");
    }

    @Test
    void uploadWhenAsManyAreBeingReadAsTheNodeReadsAtOnceThenOverloadedAndNothingStoredUntilOneIsDone() {
        var tenant = Fixtures.tenant(api);
        List<HeldUpload> held = holdEverySlot();
        try {
            var refused = BulkCalls.upload(api, tenant.sk(), "text/csv", BulkCalls.emails(1), "")
                    .expect(503, "overloaded");
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(api.get(IMPORTS).bearer(tenant.sk()).send().expect(200).body().path("data")).isEmpty();

            for (HeldUpload upload : held) {
                assertThat(upload.finish()).startsWith("HTTP/1.1 202 ");
            }
        } finally {
            held.forEach(HeldUpload::close);
        }
        BulkCalls.upload(api, tenant.sk(), "text/csv", BulkCalls.emails(1), "").expect(202);
    }

    @Test
    void uploadWhenRefusedThenItsSlotIsFreed() throws IOException {
        var tenant = Fixtures.tenant(api);
        for (int i = 0; i < CustomerImports.UPLOADS_AT_ONCE; i++) {
            BulkCalls.upload(api, tenant.sk(), "text/csv", "Email\n\"never closed\n", "").expect(400, "malformed_csv");
            BulkCalls.upload(api, tenant.sk(), "text/csv", "Name\nAda\n", "").expect(422, "validation_failed");
            BulkCalls.upload(api, tenant.sk(), "text/csv", "Email\n", "").expect(422, "empty_import");
            assertThat(chunkedOverLimit(tenant.sk())).startsWith("HTTP/1.1 413 ");
        }
        assertThat(api.get(IMPORTS).bearer(tenant.sk()).send().expect(200).body().path("data")).isEmpty();
        assertAnUploadIsQueued();
    }

    @Test
    void uploadWhenTheClientGoesAwayMidBodyThenItsSlotIsFreed() {
        holdEverySlot().forEach(HeldUpload::close);
        var tenant = Fixtures.tenant(api);
        // the server finds each connection gone at its next read
        Await.until(() -> BulkCalls.upload(api, tenant.sk(), "text/csv", BulkCalls.emails(1), "").status() != 503,
                10_000, "an upload slot freed");
        assertThat(api.get(IMPORTS).bearer(tenant.sk()).send().expect(200).body().path("data")).hasSize(1);
    }

    /**
     * A CSV sent in chunks (its length not announced, so refused only once it has come) one byte over the limit;
     * answers the answer.
     */
    private String chunkedOverLimit(String secretKey) throws IOException {
        URI base = URI.create(api.baseUrl());
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            out.write(("POST " + IMPORTS + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer "
                    + secretKey + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            long left = CustomerImports.MAX_BYTES + 1;
            try {
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk, 0, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    left -= n;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException refusedBeforeTheEnd) {
                // the answer is read below
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
