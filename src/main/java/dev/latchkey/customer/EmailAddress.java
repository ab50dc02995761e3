package dev.latchkey.customer;

import dev.latchkey.http.JsonInput;
import dev.latchkey.http.Text;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email addresses as accounts are keyed by. An address is compared in its normal form: trimmed, NFKC (so full-width
 * and other compatibility look-alikes are the address they look like, not a second account), lower case, and with an
 * internationalised domain in its ASCII form (so {@code bücher.example} and {@code xn--bcher-kva.example} are one
 * domain, and mail goes out without SMTPUTF8). A valid address has an ASCII dot-atom local part (no quoted strings, no
 * leading, trailing or doubled dots) and a domain of at least two labels of letters, digits and inner hyphens, whose
 * top label is not numeric, and which means the same under IDNA2003 and IDNA2008.
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

    private EmailAddress() {
    }

    public static String normalise(String email) {
        return withAsciiDomain(folded(email));
    }

    public static boolean isValid(String email) {
        String folded = folded(email);
        if (IDNA_DEVIATIONS.matcher(folded.substring(folded.lastIndexOf('@') + 1)).find()) {
            return false;
        }
        String address = withAsciiDomain(folded);
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
        try {
            return address.substring(0, at + 1)
                    + IDN.toASCII(address.substring(at + 1), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException notIdna) {
            return address; // isValid refuses it
        }
    }

    private static String folded(String email) {
        // trimmed after NFKC too: it turns a no-break space into a space
        return Text.trim(Normalizer.normalize(Text.trim(email), Normalizer.Form.NFKC)).toLowerCase(Locale.ROOT);
    }

    public static String required(JsonInput in, String field) {
        String email = in.required(field, MAX_LENGTH);
        if (email != null && !isValid(email)) {
            in.reject(field, "invalid", field + " is not a valid email address.");
        }
        return email;
    }
}
