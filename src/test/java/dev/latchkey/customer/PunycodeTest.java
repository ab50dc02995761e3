package dev.latchkey.customer;

import org.junit.jupiter.api.Test;

import java.net.IDN;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PunycodeTest {
    @Test
    void encodeWhenLabelHasNoIdnaDeviationThenAsTheJdkEncodesIt() {
        for (String label : List.of("b\u00fccher", "m\u00fcnchen", "\u65e5\u672c\u8a9e", "\u03c3\u03bf\u03c6\u03b9\u03b1",
                "\u043f\u0440\u0438\u043c\u0435\u0440", "caf\u00e9-bar", "\u0644\u064a\u0647\u0645\u0627\u0628\u062a\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064a")) {
            assertThat("xn--" + Punycode.encode(label)).as(label).isEqualTo(IDN.toASCII(label));
        }
    }

    @Test
    void encodeWhenLabelHoldsSharpSOrFinalSigmaThenRfc3492Encoding() {
        // as Python's punycode codec, an implementation of RFC 3492 of its own, writes them
        assertThat(Punycode.encode("stra\u00dfe")).isEqualTo("strae-oqa");
        assertThat(Punycode.encode("fu\u00dfball")).isEqualTo("fuball-cta");
        assertThat(Punycode.encode("\u03b2\u03cc\u03bb\u03bf\u03c2")).isEqualTo("nxasmm1c");
        assertThat(Punycode.encode("\u03c3\u03bf\u03c6\u03af\u03b1\u03c2")).isEqualTo("kxae4bobt");
    }
}
