package dev.latchkey.cart;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MergeStrategyTest {
    private static final Instant AT = Instant.parse("2026-05-08T13:00:00Z");

    private static CartItem item(String sku, int quantity) {
        return new CartItem(sku, quantity, AT);
    }

    @Test
    void mergeWhenSameSkuThenQuantitiesAddUpAndNewSkusFollow() {
        var result = MergeStrategy.MERGE.apply(List.of(item("A", 2), item("B", 1)),
                List.of(item("C", 4), item("A", 3)));
        assertThat(result).containsExactly(item("A", 5), item("B", 1), item("C", 4));
    }

    @Test
    void mergeWhenSumAboveMaximumThenCappedAt999() {
        assertThat(MergeStrategy.MERGE.apply(List.of(item("A", 998)), List.of(item("A", 5))))
                .containsExactly(item("A", 999));
    }

    @Test
    void mergeWhenCartFullThenNewSkusLeftOutButQuantitiesStillAdd() {
        List<CartItem> full = new ArrayList<>();
        for (int i = 0; i < Cart.MAX_LINES; i++) {
            full.add(item("S" + i, 1));
        }
        var result = MergeStrategy.MERGE.apply(full, List.of(item("NEW", 1), item("S0", 2)));
        assertThat(result).hasSize(Cart.MAX_LINES).contains(item("S0", 3)).doesNotContain(item("NEW", 1));
    }

    @Test
    void replaceThenGuestItemsOnly() {
        assertThat(MergeStrategy.REPLACE.apply(List.of(item("A", 2)), List.of(item("B", 1))))
                .containsExactly(item("B", 1));
    }

    @Test
    void keepWhenCustomerHasItemsThenCustomerItemsOnly() {
        assertThat(MergeStrategy.KEEP.apply(List.of(item("A", 2)), List.of(item("B", 1))))
                .containsExactly(item("A", 2));
    }

    @Test
    void keepWhenCustomerCartEmptyThenGuestItems() {
        assertThat(MergeStrategy.KEEP.apply(List.of(), List.of(item("B", 1)))).containsExactly(item("B", 1));
    }

    @Test
    void everyStrategyWhenGuestCartEmptyThenCustomerItemsUnchanged() {
        for (MergeStrategy strategy : MergeStrategy.values()) {
            assertThat(strategy.apply(List.of(item("A", 2)), List.of())).as(strategy.name())
                    .containsExactly(item("A", 2));
        }
    }
}
