package dev.latchkey.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ClientInfoTest {
    /** What the server hands over for header bytes: each byte as one ISO-8859-1 character. */
    private static String asRead(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void headerTextWhenBytesAreUtf8ThenReadAsUtf8() {
        String sent = "Caf\u00e9App/2 \u65e5\u672c \uD83D\uDED2";
        assertThat(ClientInfo.headerText(asRead(sent.getBytes(StandardCharsets.UTF_8)))).isEqualTo(sent);
    }

    @Test
    void headerTextWhenBytesAreNotUtf8ThenKeptAsRead() {
        String latin1 = asRead(new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertThat(ClientInfo.headerText(latin1)).isEqualTo("caf\u00e9");
        String cutShort = asRead(new byte[] {'x', (byte) 0xE6, (byte) 0x97});
        assertThat(ClientInfo.headerText(cutShort)).isEqualTo(cutShort);
    }

    @Test
    void userAgentWhenLongerThanKeptThenCutBetweenCodePoints() {
        String ua = "a".repeat(ClientInfo.MAX_USER_AGENT - 1) + "\uD83D\uDED2 more";
        assertThat(new ClientInfo("127.0.0.1", ua).userAgent()).isEqualTo("a".repeat(ClientInfo.MAX_USER_AGENT - 1));
        String exact = "a".repeat(ClientInfo.MAX_USER_AGENT - 2) + "\uD83D\uDED2 more";
        assertThat(new ClientInfo("127.0.0.1", exact).userAgent()).hasSize(ClientInfo.MAX_USER_AGENT).endsWith("\uD83D\uDED2");
    }

    @Test
    void userAgentWhenItHoldsBidiOverridesOrLineBreaksThenTheyAreDropped() {
        assertThat(new ClientInfo("127.0.0.1", "Shop\u202eppa\u2028App\u200b/1\u0007").userAgent())
                .isEqualTo("ShopppaApp/1");
        assertThat(new ClientInfo("127.0.0.1", null).userAgent()).isNull();
        assertThat(new ClientInfo("127.0.0.1", "\u200b\u202e").userAgent()).as("nothing to show").isNull();
    }

    @Test
    void headerTextWhenAsciiOrAbsentThenUnchanged() {
        assertThat(ClientInfo.headerText("Mozilla/5.0 (X11)")).isEqualTo("Mozilla/5.0 (X11)");
        assertThat(ClientInfo.headerText(null)).isNull();
    }
}
