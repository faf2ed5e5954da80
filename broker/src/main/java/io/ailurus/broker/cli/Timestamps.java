package io.ailurus.broker.cli;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --from-timestamp}: milliseconds since the epoch, or an ISO-8601 date-time. A date-time without an
 * offset or zone ({@code 2024-05-01T12:00}, {@code 2024-05-01 12:00:00}, {@code 2024-05-01}) is in the local zone.
 */
final class Timestamps {

    private Timestamps() {
    }

    static long parse(final String text, final ZoneId localZone) {
        final String s = text.trim();
        final long millis;
        if (s.matches("-?\\d+")) {
            millis = parseMillis(s, text);
        } else {
            millis = parseDateTime(s.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T"), text, localZone);
        }
        if (millis < 0) {
            throw new IllegalArgumentException("the timestamp must not be before 1970 but was '" + text + "'");
        }
        return millis;
    }

    private static long parseMillis(final String s, final String text) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static long parseDateTime(final String s, final String text, final ZoneId localZone) {
        try {
            final TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s,
                    ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
            if (t instanceof ZonedDateTime zoned) {
                return zoned.toInstant().toEpochMilli();
            }
            if (t instanceof OffsetDateTime offset) {
                return offset.toInstant().toEpochMilli();
            }
            return ((LocalDateTime) t).atZone(localZone).toInstant().toEpochMilli();
        } catch (DateTimeParseException notADateTime) {
            try {
                return LocalDate.parse(s).atStartOfDay(localZone).toInstant().toEpochMilli();
            } catch (DateTimeParseException notADate) {
                throw invalid(text);
            }
        }
    }

    private static IllegalArgumentException invalid(final String text) {
        return new IllegalArgumentException("expected milliseconds since the epoch or an ISO-8601 date-time "
                + "like 2024-05-01T12:00:00Z, but was '" + text + "'");
    }

    /** Lets picocli report a malformed timestamp as a usage error. */
    static final class Converter implements ITypeConverter<Long> {
        @Override
        public Long convert(final String text) {
            try {
                return parse(text, ZoneId.systemDefault());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
