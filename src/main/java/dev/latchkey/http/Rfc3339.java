package dev.latchkey.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Timestamps a client sends, in RFC 3339 (a four-digit year, seconds, an offset of hours and minutes or Z), kept to the
 * millisecond as every timestamp of the service, and in UTC within the years 0001 to 9999: the instants both databases
 * store and a paging cursor holds. The offset counts: 9999-12-31T23:59:59-01:00 is in the year 10000 in UTC.
 */
public final class Rfc3339 {
    public static final String EXPECTED = "an RFC 3339 timestamp such as 2026-05-08T13:00:00Z, within the years "
            + "0001 to 9999 in UTC";
    /**
     * RFC 3339 allows any number of fraction digits, and the parser reads nine; the time is kept to the millisecond
     * (truncated), so the digits past the ninth change nothing and are dropped before parsing.
     */
    private static final Pattern BEYOND_NANOSECONDS = Pattern.compile("(?<=:[0-9]{2}\\.[0-9]{9})[0-9]+");
    /**
     * RFC 3339's date-time, which is stricter than ISO_OFFSET_DATE_TIME: seconds are required, a decimal point needs
     * a digit after it, and an offset has hours and minutes only. T and Z may be lower case, as RFC 3339 allows.
     */
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendValue(ChronoField.YEAR, 4).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter(Locale.ROOT)
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    /** RFC 3339's full-date, as a date input sends it: a four-digit year, the month and the day. */
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2)
            .toFormatter(Locale.ROOT)
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    private Rfc3339() {
    }

    /** The instant, or empty when {@code raw} is no RFC 3339 timestamp or falls outside the years 0001 to 9999. */
    public static Optional<Instant> parse(String raw) {
        try {
            Instant at = OffsetDateTime.parse(BEYOND_NANOSECONDS.matcher(raw).replaceFirst(""), FORMAT).toInstant()
                    .truncatedTo(ChronoUnit.MILLIS);
            return Cursor.holds(at) ? Optional.of(at) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The day of a full-date such as 2026-05-08, or empty when {@code raw} is none or falls before the year 0001. */
    public static Optional<LocalDate> parseDate(String raw) {
        try {
            LocalDate day = LocalDate.parse(raw, DATE);
            return day.getYear() < 1 ? Optional.empty() : Optional.of(day);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
