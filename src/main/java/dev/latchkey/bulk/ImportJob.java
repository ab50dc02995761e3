package dev.latchkey.bulk;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A bulk import of customers: its file is kept until it ends; {@code progress} counts the rows committed so far, and
 * {@code client} is who uploaded it, as the audit events of its rows name them.
 */
public record ImportJob(String tenantId, String id, Status status, Format format, OnConflict onConflict, int totalRows,
                 Progress progress, String staffId, String apiKeyId, String clientIp, String userAgent,
                 Instant createdAt, Instant finishedAt) {

    /** {@code running} from the first slice a worker ran to the end, also between slices and while paused. */
    public enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        /** Whether the job has ended, its counts final. */
        public boolean ended() {
            return this != QUEUED && this != RUNNING;
        }

        public String wire() {
            return name().toLowerCase();
        }
    }

    public enum Format {
        CSV("text/csv"), NDJSON("application/x-ndjson");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        String mediaType() {
            return mediaType;
        }

        public String wire() {
            return name().toLowerCase();
        }

        static Optional<Format> ofWire(String wire) {
            return Arrays.stream(values()).filter(f -> f.wire().equals(wire)).findFirst();
        }

        /** The format of a body of this media type (parameters such as charset aside), if it is one. */
        public static Optional<Format> ofMediaType(String contentType) {
            if (contentType == null) {
                return Optional.empty();
            }
            String type = contentType.split(";", 2)[0].strip();
            return Arrays.stream(values()).filter(f -> f.mediaType.equalsIgnoreCase(type)).findFirst();
        }
    }

    /** What a row whose email a customer of the shop has already does: nothing, or change that customer. */
    public enum OnConflict {
        SKIP, UPDATE;

        public String wire() {
            return name().toLowerCase();
        }

        public static Optional<OnConflict> ofWire(String wire) {
            return Arrays.stream(values()).filter(o -> o.wire().equals(wire)).findFirst();
        }
    }

    /** A refused row: {@code row} is the line of the file it starts on; {@code field} may be null. */
    public record RowError(int row, String field, String code, String message) {
    }

    /**
     * The rows done, what came of them, and the first {@link #MAX_ERRORS} reasons rows were refused;
     * {@code passwordsKept} counts the rows updated without their password_hash, as the customer had a password.
     */
    public record Progress(int processedRows, int created, int updated, int skipped, int failedRows,
                           int passwordsKept, List<RowError> errors) {
        public static final int MAX_ERRORS = 100;
        static final Progress NONE = new Progress(0, 0, 0, 0, 0, 0, List.of());
    }
}
