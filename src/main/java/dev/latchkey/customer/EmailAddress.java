package dev.latchkey.customer;

import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Email addresses as accounts are keyed by. An address is compared in its normal form: trimmed, NFKC (so full-width
 * and other compatibility look-alikes are the address they look like, not a second account), lower case, and with an
 * internationalised domain in its ASCII form (so {@code bücher.example} and {@code xn--bcher-kva.example} are one
 * domain, and mail goes out without SMTPUTF8). A valid address has an ASCII dot-atom local part (no quoted strings, no
 * leading, trailing or doubled dots) and a domain of at least two labels of letters, digits and inner hyphens, whose
 * top label is not numeric. The domain is checked and encoded by the JDK's IDNA2003 rules, but for the four
 * characters where those map to another domain than IDNA2008 and browsers (UTS #46) do: ß and final sigma are kept
 * and encoded as they are, and the joiners (ZWJ, ZWNJ), which IDNA2008 allows only in a few scripts' contexts, are
 * refused.
 */
public final class EmailAddress {
    public static final int MAX_LENGTH = 254;
    private static final Pattern LOCAL_PART = Pattern.compile(
            "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern ASCII_DOMAIN = Pattern.compile(
            "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})");
    /**
     * The characters IDNA2003 (all {@link IDN} knows) maps away but IDNA2008 keeps: ß, final sigma, ZWNJ and ZWJ.
     * {@code straße.de} would become {@code strasse.de}, another domain whose owner would get this account's mail.
     */
    private static final Pattern IDNA_DEVIATIONS = Pattern.compile("[\u00df\u03c2\u200c\u200d]");
    private static final Pattern LABEL_SEPARATORS = Pattern.compile("[.\u3002\uff0e\uff61]");

    private EmailAddress() {
    }

    public static String normalise(String email) {
        return withAsciiDomain(folded(email));
    }

    public static boolean isValid(String email) {
        String address = withAsciiDomain(folded(email));
        int at = address.lastIndexOf('@');
        String domain = address.substring(at + 1);
        return at >= 1 && at <= 64 && address.length() <= MAX_LENGTH && domain.length() <= 253
                && LOCAL_PART.matcher(address.substring(0, at)).matches() && ASCII_DOMAIN.matcher(domain).matches();
    }

    private static String withAsciiDomain(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address;
        }
        String domain = address.substring(at + 1);
        try {
            return address.substring(0, at + 1) + (IDNA_DEVIATIONS.matcher(domain).find() ? idna2008(domain)
                    : IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES)).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notIdna) {
            return address; // isValid refuses it
        }
    }

    /**
     * The ASCII form of a domain that holds ß or final sigma. Each label is checked by {@link IDN} with those letters
     * stood in for by ones it keeps (s, σ), must be in the form it would give back, and is then encoded as typed.
     */
    private static String idna2008(String domain) {
        if (domain.indexOf('\u200c') >= 0 || domain.indexOf('\u200d') >= 0) {
            throw new IllegalArgumentException("a joiner outside the contexts IDNA2008 allows it in");
        }
        StringJoiner ascii = new StringJoiner(".");
        for (String label : LABEL_SEPARATORS.split(domain, -1)) {
            String standIn = label.replace('\u00df', 's').replace('\u03c2', '\u03c3');
            String checked = IDN.toASCII(standIn, IDN.USE_STD3_ASCII_RULES);
            if (standIn.equals(label)) {
                ascii.add(checked);
            } else if (label.startsWith("--", 2)) {
                // IDNA2008 keeps hyphens in the third and fourth places for encodings (xn--), never in a U-label
                throw new IllegalArgumentException("a label with hyphens in its third and fourth places");
            } else if (IDN.toUnicode(checked, IDN.USE_STD3_ASCII_RULES).equals(standIn)) {
                ascii.add("xn--" + Punycode.encode(label));
            } else {
                throw new IllegalArgumentException("a label not in its normal form");
            }
        }
        return ascii.toString();
    }

    private static String folded(String email) {
        // trimmed after NFKC too: it turns a no-break space into a space. A capital sigma is σ whatever follows it, as
        // in IDNA's mapping: the JDK lower-cases it to final ς at a word's end, which is another domain now that ς is kept
        return Text.trim(Normalizer.normalize(Text.trim(email), Normalizer.Form.NFKC)).replace('\u03a3', '\u03c3')
                .toLowerCase(Locale.ROOT);
    }

    public static String required(JsonInput in, String field) {
        String email = in.required(field, MAX_LENGTH);
        if (email != null && !isValid(email)) {
            in.reject(field, "invalid", field + " is not a valid email address.");
        }
        return email;
    }
}
