package dev.latchkey.dashboard;

import io.nayuki.qrcodegen.QrCode;
import io.nayuki.qrcodegen.QrSegment;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A QR code read back from the SVG markup {@link QrCodeSvg} writes: its modules (quiet zone included), as the path
 * draws them, and the label. Reading it fails unless the markup is exactly that SVG, with nothing around or inside it.
 */
record DrawnQrCode(int side, int pixels, String label, boolean[][] dark) {
    static final Pattern SVG = Pattern.compile("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 (\\d+) \\1\" "
            + "width=\"(\\d+)\" height=\"\\2\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"([^\"<]*)\">"
            + "<rect width=\"\\1\" height=\"\\1\" fill=\"#fff\"/><path fill=\"#000\" d=\"([A-Za-z0-9 ]*)\"/></svg>");
    private static final Pattern RUN = Pattern.compile("M(\\d+) (\\d+)h(\\d+)v1H\\1z");

    /** The one QR code in {@code html}. */
    static DrawnQrCode in(String html) {
        Matcher m = SVG.matcher(html);
        assertThat(m.find()).as("a QR code in %s", html).isTrue();
        String svg = m.group();
        assertThat(m.find()).as("a second QR code").isFalse();
        return read(svg);
    }

    static DrawnQrCode read(String svg) {
        Matcher m = SVG.matcher(svg);
        assertThat(m.matches()).as("the SVG of a QR code: %s", svg).isTrue();
        int side = Integer.parseInt(m.group(1));
        boolean[][] dark = new boolean[side][side];
        Matcher run = RUN.matcher(m.group(4));
        int end = 0;
        while (run.find()) {
            assertThat(run.start()).as("path data between runs").isEqualTo(end);
            end = run.end();
            int x = Integer.parseInt(run.group(1));
            int y = Integer.parseInt(run.group(2));
            int length = Integer.parseInt(run.group(3));
            assertThat(length).isPositive();
            assertThat(x + length).isLessThanOrEqualTo(side);
            assertThat(y).isLessThan(side);
            for (int i = x; i < x + length; i++) {
                assertThat(dark[y][i]).as("module %d,%d drawn twice", i, y).isFalse();
                dark[y][i] = true;
            }
        }
        assertThat(end).as("path data after the last run").isEqualTo(m.group(4).length());
        return new DrawnQrCode(side, Integer.parseInt(m.group(2)), unescape(m.group(3)), dark);
    }

    /** The label as a browser reads the attribute (the references {@code Escape.htmlAttribute} writes). */
    private static String unescape(String attribute) {
        return attribute.replace("&lt;", "<").replace("&#34;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    /** The symbol's size in modules, without the quiet zone. */
    int size() {
        return side - 2 * QrCodeSvg.QUIET_ZONE;
    }

    /** A module of the symbol, at qrcodegen's coordinates (the quiet zone's left out). */
    boolean module(int x, int y) {
        return dark[y + QrCodeSvg.QUIET_ZONE][x + QrCodeSvg.QUIET_ZONE];
    }

    /**
     * Whether these are the modules of {@code text} in a QR code of level M: decoding without a decoder, since the
     * encoding is deterministic (the mask is the one of lowest penalty) and a QR code is its modules.
     */
    boolean encodes(String text) {
        QrCode code = QrCode.encodeSegments(QrSegment.makeSegments(text), QrCode.Ecc.MEDIUM, QrCode.MIN_VERSION,
                QrCode.MAX_VERSION, -1, false);
        if (code.size != size()) {
            return false;
        }
        for (int y = 0; y < code.size; y++) {
            for (int x = 0; x < code.size; x++) {
                if (code.getModule(x, y) != module(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
