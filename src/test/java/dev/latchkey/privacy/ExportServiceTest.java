package dev.latchkey.privacy;

import dev.latchkey.http.ApiError;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A node writes a bounded number of data exports at once; one more is refused until one of them is done. */
class ExportServiceTest {
    private final ExportService exports = new ExportService(List.of(ExportSection.of("notes", (tenant, id) -> "n")),
            null, null, null, Clock.systemUTC());

    @Test
    void exportWhenAsManyAreBeingWrittenAsANodeWritesAtOnceThenOverloadedUntilOneIsDone() throws Exception {
        var writing = new CountDownLatch(ExportService.AT_ONCE);
        var finish = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(ExportService.AT_ONCE)) {
            List<Future<?>> slow = new java.util.ArrayList<>();
            for (int i = 0; i < ExportService.AT_ONCE; i++) {
                String customer = "cus_" + i;
                slow.add(pool.submit(() -> exports.export("t", customer, (document, beforeEnd) -> {
                    writing.countDown();
                    try {
                        finish.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })));
            }
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();

            Throwable refused = catchThrowable(() -> exports.export("t", "cus_more", (document, beforeEnd) -> { }));

            assertThat(refused).isInstanceOf(ApiError.class);
            assertThat(((ApiError) refused).status()).isEqualTo(503);
            assertThat(((ApiError) refused).code()).isEqualTo("overloaded");
            finish.countDown();
            for (Future<?> export : slow) {
                export.get(10, TimeUnit.SECONDS);
            }
        }
        var written = new java.util.ArrayList<Object>();
        exports.export("t", "cus_later", (document, beforeEnd) -> written.add(document.get("notes")));
        assertThat(written).containsExactly("n");
    }
}
