package dev.latchkey.order;

import dev.latchkey.customer.OrderSummary;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A customer's orders in one currency, as the summaries' statement reads them: how many, the total spent (null when
 * none of them counts as spent, see {@link OrderStatus#SPENT}) and the latest of them.
 */
record CurrencyFigures(String customerId, String currency, long orders, BigDecimal spent, Instant lastAt,
                       String lastId, String lastNumber) {
    /** The latest order first, as the order list puts it: placed last, then the greater id. */
    private static final Comparator<CurrencyFigures> LATEST_FIRST = Comparator
            .comparing(CurrencyFigures::lastAt).thenComparing(CurrencyFigures::lastId).reversed();

    /** Each customer's summary folded from their currencies' rows: every id given, NONE for one without rows. */
    static Map<String, OrderSummary> summaries(Collection<String> customerIds, List<CurrencyFigures> rows) {
        Map<String, List<CurrencyFigures>> byCustomer = rows.stream()
                .collect(Collectors.groupingBy(CurrencyFigures::customerId));
        Map<String, OrderSummary> summaries = new HashMap<>();
        for (String id : customerIds) {
            List<CurrencyFigures> currencies = byCustomer.get(id);
            summaries.put(id, currencies == null ? OrderSummary.NONE : summary(currencies));
        }
        return summaries;
    }

    private static OrderSummary summary(List<CurrencyFigures> currencies) {
        CurrencyFigures latest = currencies.stream().sorted(LATEST_FIRST).findFirst().orElseThrow();
        List<OrderSummary.Spent> spent = currencies.stream().filter(c -> c.spent() != null)
                .sorted(Comparator.comparing(CurrencyFigures::currency))
                .map(c -> new OrderSummary.Spent(c.currency(), Money.format(c.spent(), c.currency())))
                .toList();
        return new OrderSummary(currencies.stream().mapToLong(CurrencyFigures::orders).sum(), spent,
                latest.lastAt(), latest.lastNumber());
    }
}
