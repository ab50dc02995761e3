package dev.latchkey.bulk;

import java.util.ArrayList;
import java.util.List;

/** The progress of a job as its rows are imported, counted from what was committed before. */
final class Tally {
    private int processed;
    private int created;
    private int updated;
    private int skipped;
    private int failed;
    private final List<ImportJob.RowError> errors;

    Tally(ImportJob.Progress from) {
        processed = from.processedRows();
        created = from.created();
        updated = from.updated();
        skipped = from.skipped();
        failed = from.failedRows();
        errors = new ArrayList<>(from.errors());
    }

    void created() {
        created++;
        processed++;
    }

    void updated() {
        updated++;
        processed++;
    }

    void skipped() {
        skipped++;
        processed++;
    }

    /** A refused row, with its reasons; only the first {@value ImportJob.Progress#MAX_ERRORS} of a job are kept. */
    void failed(List<ImportJob.RowError> reasons) {
        failed++;
        processed++;
        reasons.stream().limit(Math.max(0, ImportJob.Progress.MAX_ERRORS - errors.size())).forEach(errors::add);
    }

    ImportJob.Progress progress() {
        return new ImportJob.Progress(processed, created, updated, skipped, failed, List.copyOf(errors));
    }
}
