package dev.latchkey.order;

import dev.latchkey.http.CurrencyCodes;
import dev.latchkey.http.JsonInput;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

/**
 * Amounts travel as decimal strings ("19.99"), never as JSON numbers that a client may round through a float. At most
 * 15 integer digits and 4 decimals (the NUMERIC(19,4) columns), never negative.
 */
final class Money {
    private static final Pattern DECIMAL = Pattern.compile("^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,4})?$");
    private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");

    private Money() {
    }

    /** A required amount, or null with the field's error recorded. */
    static BigDecimal amount(JsonInput in, String field) {
        String raw = in.required(field, 32);
        if (raw == null) {
            return null;
        }
        if (!DECIMAL.matcher(raw).matches()) {
            in.reject(field, "invalid", field + " must be a non-negative decimal string with at most 4 decimals, "
                    + "such as \"19.99\".");
            return null;
        }
        return new BigDecimal(raw);
    }

    /** A required ISO 4217 code in upper case, or null with the field's error recorded. */
    static String currency(JsonInput in, String field) {
        String raw = in.required(field, 3);
        if (raw != null && !(CURRENCY.matcher(raw).matches() && CurrencyCodes.isCurrency(raw))) {
            in.reject(field, "invalid", field + " must be an ISO 4217 currency code in upper case, such as EUR.");
            return null;
        }
        return raw;
    }

    /** The amount with at least the currency's minor digits: "19.90" in EUR, "1500" in JPY, "0.1234" kept whole. */
    static String format(BigDecimal amount, String currency) {
        int minorDigits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.setScale(Math.max(stripped.scale(), minorDigits)).toPlainString();
    }
}
