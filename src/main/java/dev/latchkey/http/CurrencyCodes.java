package dev.latchkey.http;

import java.util.Currency;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ISO 4217 codes a price may be in: those the JDK knows, without XXX ("no currency") and XTS (reserved for
 * testing), which ISO lists but no shop charges in.
 */
public final class CurrencyCodes {
    private static final Set<String> CODES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).filter(code -> !code.equals("XXX") && !code.equals("XTS"))
            .collect(Collectors.toUnmodifiableSet());

    private CurrencyCodes() {
    }

    /** Whether {@code code}, in upper case, is a currency a price may be in. */
    public static boolean isCurrency(String code) {
        return CODES.contains(code);
    }
}
