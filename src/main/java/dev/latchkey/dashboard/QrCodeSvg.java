package dev.latchkey.dashboard;

import gg.jte.Content;
import gg.jte.TemplateOutput;
import gg.jte.html.escape.Escape;
import gg.jte.output.StringOutput;
import io.nayuki.qrcodegen.DataTooLongException;
import io.nayuki.qrcodegen.QrCode;
import io.nayuki.qrcodegen.QrSegment;

import java.util.Optional;

/**
 * A QR code as inline SVG markup for a page: a light square with one path of the dark modules, a quiet zone of 4
 * modules around them, as ISO/IEC 18004 asks, and error correction level M (about 15 % of it may be unreadable), plenty
 * for a code scanned off a screen while keeping the symbol small. A template writes it as markup, not as text: the
 * markup is this class's own, its numbers and path commands are digits and letters only, and the one value from
 * outside, the label, is escaped here as an attribute value. Colours and size are SVG attributes, as the dashboard's
 * Content-Security-Policy refuses inline styles.
 */
public final class QrCodeSvg implements Content {
    static final int QUIET_ZONE = 4;
    /** The most CSS pixels a side takes: a whole number per module, so that every module is drawn the same size. */
    private static final int MAX_PIXELS = 256;

    private final String markup;

    private QrCodeSvg(String markup) {
        this.markup = markup;
    }

    /** {@code text} in a QR code that {@code label} describes to screen readers; empty when the text is too long. */
    public static Optional<QrCodeSvg> of(String text, String label) {
        QrCode code;
        try {
            // level M however short the text: encodeText would raise it when that fits the same version
            code = QrCode.encodeSegments(QrSegment.makeSegments(text), QrCode.Ecc.MEDIUM, QrCode.MIN_VERSION,
                    QrCode.MAX_VERSION, -1, false);
        } catch (DataTooLongException tooLong) {
            return Optional.empty();
        }
        int side = code.size + 2 * QUIET_ZONE;
        int pixels = side * (MAX_PIXELS / side);
        var out = new StringOutput();
        out.writeContent("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side + " " + side + "\" width=\""
                + pixels + "\" height=\"" + pixels + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"");
        Escape.htmlAttribute(label, out);
        out.writeContent("\"><rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#fff\"/><path fill=\"#000\" d=\""
                + darkModules(code) + "\"/></svg>");
        return Optional.of(new QrCodeSvg(out.toString()));
    }

    /** A rectangle for each run of dark modules in a row ({@code M x y h run v1 H x z}), shifted by the quiet zone. */
    private static String darkModules(QrCode code) {
        var path = new StringBuilder();
        for (int y = 0; y < code.size; y++) {
            int x = 0;
            while (x < code.size) {
                int start = x;
                while (x < code.size && code.getModule(x, y)) {
                    x++;
                }
                if (x > start) {
                    path.append('M').append(start + QUIET_ZONE).append(' ').append(y + QUIET_ZONE).append('h')
                            .append(x - start).append("v1H").append(start + QUIET_ZONE).append('z');
                } else {
                    x++;
                }
            }
        }
        return path.toString();
    }

    @Override
    public void writeTo(TemplateOutput output) {
        output.writeContent(markup);
    }

    @Override
    public String toString() {
        return markup;
    }
}
