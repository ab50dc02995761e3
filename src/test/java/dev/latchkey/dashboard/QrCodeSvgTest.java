package dev.latchkey.dashboard;

import io.nayuki.qrcodegen.QrCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The QR code of the two-step sign-in set-up: its modules, structure, level, size and label. */
class QrCodeSvgTest {
    private static final String URI = "otpauth://totp/Staffed%20Shop%20dashboard:owner%40kasa.example?"
            + "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Staffed%20Shop%20dashboard&algorithm=SHA1&digits=6"
            + "&period=30";
    /** The most bytes a version 40 symbol of level M holds. */
    private static final int MOST_BYTES = 2331;

    private static DrawnQrCode drawn(String text) {
        return DrawnQrCode.read(QrCodeSvg.of(text, "a label").orElseThrow().toString());
    }

    @Test
    void svgWhenReadBackThenItsModulesAreTheUrisAndNoOtherText() {
        var drawn = drawn(URI);
        assertThat(drawn.encodes(URI)).isTrue();
        assertThat(drawn.encodes(URI.replace("secret=J", "secret=K"))).isFalse();
        assertThat(drawn.encodes(URI + "0")).isFalse();
    }

    @Test
    void svgWhenDrawnThenAQuietZoneOfFourModulesAndASizeOfItsVersion() {
        var drawn = drawn(URI);
        int margin = QrCodeSvg.QUIET_ZONE;
        assertThat(margin).isEqualTo(4);
        for (int y = 0; y < drawn.side(); y++) {
            for (int x = 0; x < drawn.side(); x++) {
                boolean inZone = x < margin || y < margin || x >= drawn.side() - margin || y >= drawn.side() - margin;
                if (inZone) {
                    assertThat(drawn.dark()[y][x]).as("quiet zone module %d,%d", x, y).isFalse();
                }
            }
        }
        // size 4 * version + 17: 170 bytes need version 9 at level M (version 8 holds 152, version 9 180)
        assertThat(URI).hasSize(170);
        assertThat(drawn.size()).isEqualTo(4 * 9 + 17);
        // whole pixels per module, at most 256 on a side
        assertThat(drawn.pixels() % drawn.side()).isZero();
        assertThat(drawn.pixels()).isBetween(200, 256);
        assertFinder(drawn, 0, 0);
        assertFinder(drawn, drawn.size() - 7, 0);
        assertFinder(drawn, 0, drawn.size() - 7);
        for (int i = 8; i < drawn.size() - 8; i++) {
            assertThat(drawn.module(i, 6)).as("timing pattern module %d,6", i).isEqualTo(i % 2 == 0);
            assertThat(drawn.module(6, i)).as("timing pattern module 6,%d", i).isEqualTo(i % 2 == 0);
        }
    }

    /** A finder pattern: dark 7x7 ring, light 5x5 ring, dark 3x3 centre, with a light separator inside the symbol. */
    private static void assertFinder(DrawnQrCode drawn, int left, int top) {
        for (int dy = -1; dy <= 7; dy++) {
            for (int dx = -1; dx <= 7; dx++) {
                int x = left + dx;
                int y = top + dy;
                if (x < 0 || y < 0 || x >= drawn.size() || y >= drawn.size()) {
                    continue;
                }
                int ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
                assertThat(drawn.module(x, y)).as("finder module %d,%d", x, y).isEqualTo(ring != 2 && ring != 4);
            }
        }
    }

    /**
     * Level M however short the text: the format information read from both of its copies names level M, for a text
     * qrcodegen's encodeText would raise to a higher level.
     */
    @Test
    void formatInformationWhenReadThenLevelMEvenWhereAHigherLevelFits() {
        String shortText = "otpauth://totp/a:b?secret=AB";
        assertThat(QrCode.encodeText(shortText, QrCode.Ecc.MEDIUM).errorCorrectionLevel).isNotEqualTo(QrCode.Ecc.MEDIUM);
        for (String text : new String[] {URI, shortText}) {
            var drawn = drawn(text);
            int first = 0;
            int second = 0;
            int size = drawn.size();
            for (int i = 0; i < 15; i++) {
                boolean bit = i <= 5 ? drawn.module(8, i) : i == 6 ? drawn.module(8, 7) : i == 7 ? drawn.module(8, 8)
                        : i == 8 ? drawn.module(7, 8) : drawn.module(14 - i, 8);
                first |= (bit ? 1 : 0) << i;
                second |= (i < 8 ? drawn.module(size - 1 - i, 8) : drawn.module(8, size - 15 + i)) ? 1 << i : 0;
            }
            assertThat(second).isEqualTo(first);
            int format = first ^ 0x5412;
            int data = format >>> 10;
            int remainder = data;
            for (int i = 0; i < 10; i++) {
                remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
            }
            assertThat(format & 0x3FF).as("BCH code of the format information").isEqualTo(remainder & 0x3FF);
            assertThat(data >>> 3).as("level M is 00").isZero();
            assertThat(drawn.module(8, size - 8)).as("the dark module").isTrue();
        }
    }

    @Test
    void textWhenTooLongForVersion40ThenNoQrCode() {
        assertThat(QrCodeSvg.of("x".repeat(MOST_BYTES), "a label")).isPresent();
        assertThat(QrCodeSvg.of("x".repeat(MOST_BYTES + 1), "a label")).isEmpty();
        // the largest code still within 256 pixels, at one pixel per module
        assertThat(drawn("x".repeat(MOST_BYTES)).pixels()).isEqualTo(177 + 8);
    }

    @Test
    void labelWhenItHoldsMarkupThenEscapedAsAnAttributeValue() {
        String label = "Kasa <b>\"Bold\" & 'Co'</b> dashboard:o'neil&co@kasa.example";
        String svg = QrCodeSvg.of(URI, label).orElseThrow().toString();
        assertThat(svg).contains("aria-label=\"Kasa &lt;b>&#34;Bold&#34; &amp; &#39;Co&#39;&lt;/b> dashboard:"
                + "o&#39;neil&amp;co@kasa.example\"").doesNotContain("<b>").doesNotContain("\"Bold");
        assertThat(DrawnQrCode.read(svg).label()).isEqualTo(label);
    }
}
