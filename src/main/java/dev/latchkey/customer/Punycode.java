package dev.latchkey.customer;

/**
 * RFC 3492 encoding of one domain label, for the labels {@link java.net.IDN} cannot write: it knows only IDNA2003,
 * which maps ß and final sigma to other letters before encoding, where IDNA2008 encodes them as they are.
 */
final class Punycode {
    private static final int BASE = 36;
    private static final int T_MIN = 1;
    private static final int T_MAX = 26;
    private static final int SKEW = 38;
    private static final int DAMP = 700;
    private static final int INITIAL_BIAS = 72;
    private static final int INITIAL_N = 128;

    private Punycode() {
    }

    /** The label's encoding without the {@code xn--} prefix. */
    static String encode(String label) {
        int[] codePoints = label.codePoints().toArray();
        StringBuilder out = new StringBuilder();
        for (int c : codePoints) {
            if (c < INITIAL_N) {
                out.append((char) c);
            }
        }
        int basic = out.length();
        if (basic > 0) {
            out.append('-');
        }
        long n = INITIAL_N;
        long delta = 0;
        int bias = INITIAL_BIAS;
        for (int handled = basic; handled < codePoints.length; n++) {
            long next = Long.MAX_VALUE;
            for (int c : codePoints) {
                if (c >= n && c < next) {
                    next = c;
                }
            }
            delta += (next - n) * (handled + 1);
            n = next;
            for (int c : codePoints) {
                if (c < n) {
                    delta++;
                } else if (c == n) {
                    appendVariableLength(out, delta, bias);
                    bias = adapt(delta, handled + 1, handled == basic);
                    delta = 0;
                    handled++;
                }
            }
            delta++;
        }
        return out.toString();
    }

    private static void appendVariableLength(StringBuilder out, long value, int bias) {
        long q = value;
        for (int k = BASE; ; k += BASE) {
            int t = k <= bias ? T_MIN : Math.min(k - bias, T_MAX);
            if (q < t) {
                break;
            }
            out.append(digit(t + (q - t) % (BASE - t)));
            q = (q - t) / (BASE - t);
        }
        out.append(digit(q));
    }

    private static int adapt(long delta, int points, boolean first) {
        long d = first ? delta / DAMP : delta / 2;
        d += d / points;
        int k = 0;
        while (d > ((BASE - T_MIN) * T_MAX) / 2) {
            d /= BASE - T_MIN;
            k += BASE;
        }
        return (int) (k + (BASE - T_MIN + 1) * d / (d + SKEW));
    }

    private static char digit(long d) {
        return (char) (d < 26 ? 'a' + d : '0' + d - 26);
    }
}
