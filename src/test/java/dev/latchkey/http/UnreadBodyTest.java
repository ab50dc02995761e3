package dev.latchkey.http;

import dev.latchkey.bulk.CustomerImports;
import dev.latchkey.testing.ApiTest;
import dev.latchkey.testing.Fixtures;
import dev.latchkey.testing.TrickledRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload refused before its body was read (a wrong key, a type the import does not take, a length over its limit):
 * the client still gets the answer, where closing the connection on the unread bytes would reset it under the client.
 */
class UnreadBodyTest extends ApiTest {
    private static final String IMPORTS = "/v1/admin/customers/imports";
    /** Within the import's 20 MB and over the 8 MB that any route reads to its end after refusing it. */
    private static final int UPLOAD = 12_000_000;

    private final Fixtures.Tenant tenant = Fixtures.tenant(api);

    /** The raw client writes the whole body before it reads anything, as many HTTP libraries do. */
    @Test
    void uploadRefusedBeforeItsBodyWasReadThenTheClientSendsItToTheEndAndReadsTheAnswer() {
        byte[] file = new byte[UPLOAD];
        for (int round = 0; round < 3; round++) {
            api.raw("POST", IMPORTS).bearer("sk_" + "0".repeat(43)).header("Content-Type", "text/csv")
                    .header("Content-Length", Integer.toString(UPLOAD)).body(file).send()
                    .expect(401, "invalid_api_key");
            api.raw("POST", IMPORTS).bearer(tenant.sk()).header("Content-Type", "application/pdf")
                    .header("Content-Length", Integer.toString(UPLOAD)).body(file).send()
                    .expect(415, "unsupported_media_type");
        }
    }

    /**
     * More than the server reads: the answer comes at once and says the connection ends, and the connection's end
     * follows it while the client is still sending, so that the client can stop.
     */
    @Test
    void uploadAnnouncedOverItsLimitThenTheAnswerAndTheConnectionsEndComeWhileItIsSent() {
        long announced = CustomerImports.MAX_BYTES + 10_000_000;
        var ended = TrickledRequest.send(api, "POST " + IMPORTS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + tenant.sk() + "\r\nContent-Type: text/csv\r\nContent-Length: " + announced
                + "\r\n\r\n",
                new byte[64 * 1024], 1, announced);

        assertThat(ended.answer()).startsWith("HTTP/1.1 413 ").contains("\r\nConnection: close\r\n")
                .contains("\"code\":\"payload_too_large\"");
        assertThat(ended.sent()).as("bytes sent when the connection ended").isLessThan(announced / 2);
    }
}
