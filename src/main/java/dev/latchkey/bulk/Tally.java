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
    private int passwordsKept;
    private final List<ImportJob.RowError> errors;

    Tally(ImportJob.Progress from) {
        processed = from.processedRows();
        created = from.created();
        updated = from.updated();
        skipped = from.skipped();
        failed = from.failedRows();
        passwordsKept = from.passwordsKept();
        errors = new ArrayList<>(from.errors());
    }

    void created() {
        created++;
        processed++;
    }

    /** {@code passwordKept}: the row's password_hash was not set, as the customer has a password. */
    void updated(boolean passwordKept) {
        updated++;
        processed++;
        if (passwordKept) {
            passwordsKept++;
        }
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
        return new ImportJob.Progress(processed, created, updated, skipped, failed, passwordsKept,
                List.copyOf(errors));
    }
}
