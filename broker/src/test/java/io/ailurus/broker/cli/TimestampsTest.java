package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class TimestampsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final long NOON_UTC = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();

    @Test
    void digitsAreEpochMilliseconds() {
        assertEquals(1714564800000L, Timestamps.parse("1714564800000", BERLIN));
        assertEquals(0L, Timestamps.parse(" 0 ", BERLIN));
    }

    @Test
    void isoInstantsAndOffsets() {
        assertEquals(NOON_UTC, Timestamps.parse("2024-05-01T12:00:00Z", BERLIN));
        assertEquals(NOON_UTC + 250, Timestamps.parse("2024-05-01T12:00:00.250Z", BERLIN));
        assertEquals(NOON_UTC, Timestamps.parse("2024-05-01T14:00:00+02:00", BERLIN));
        assertEquals(NOON_UTC, Timestamps.parse("2024-05-01T14:00+02:00[Europe/Berlin]", ZoneId.of("UTC")));
    }

    @Test
    void withoutAZoneTheTimeIsLocal() {
        // Berlin is at +02:00 in May.
        assertEquals(NOON_UTC, Timestamps.parse("2024-05-01T14:00:00", BERLIN));
        assertEquals(NOON_UTC, Timestamps.parse("2024-05-01 14:00", BERLIN));
        assertEquals(NOON_UTC - 14 * 3_600_000L, Timestamps.parse("2024-05-01", BERLIN));
    }

    @Test
    void rejectsWhatIsNeitherMillisecondsNorIso8601() {
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("yesterday", BERLIN));
        assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("2024-13-01T00:00:00Z", BERLIN));
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("99999999999999999999", BERLIN));
        assertThrows(TypeConversionException.class, () -> new Timestamps.Converter().convert("soon"));
    }

    @Test
    void rejectsTimesBefore1970() {
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("-1", BERLIN));
        assertThrows(IllegalArgumentException.class, () -> Timestamps.parse("1969-12-31T00:00:00Z", BERLIN));
    }
}
