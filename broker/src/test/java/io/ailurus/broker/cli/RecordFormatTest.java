package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class RecordFormatTest {

    private static byte[] utf8(final String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(final String key, final String value) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("trace", utf8("abc")));
        headers.add(new RecordHeader("n", utf8("1")));
        return new ConsumerRecord<>("orders", 2, 42L, 1714564800000L, TimestampType.CREATE_TIME, -1, -1,
                utf8(key), utf8(value), headers, Optional.empty());
    }

    @Test
    void defaultIsTheValueAndANewline() {
        assertEquals("hello\n", RecordFormat.parse(RecordFormat.DEFAULT).render(record("k", "hello")));
    }

    @Test
    void everyPlaceholder() {
        final String out = RecordFormat.parse("%t/%p@%o %T k=%k v=%s h=%h sizes=%K,%S")
                .render(record("user-1", "clicked"));
        assertEquals("orders/2@42 1714564800000 k=user-1 v=clicked h=trace=abc,n=1 sizes=6,7", out);
    }

    @Test
    void escapesAndPercentSigns() {
        assertEquals("a\tb\r\n\\ 100%\n", RecordFormat.parse("%k\\t%s\\r\\n\\\\ 100%%\\n").render(record("a", "b")));
        assertEquals("\\x", RecordFormat.parse("\\x").render(record("a", "b")), "an unknown escape stays as written");
    }

    @Test
    void nullKeyAndValueWriteNothingAndSizeMinusOne() {
        assertEquals("[][] -1 -1", RecordFormat.parse("[%k][%s] %K %S").render(record(null, null)));
    }

    @Test
    void noHeadersWriteNothing() {
        final ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 0L, utf8("k"), utf8("v"));
        assertEquals("<>", RecordFormat.parse("<%h>").render(r));
    }

    @Test
    void valuesAreWrittenAsRawBytes() throws Exception {
        final byte[] binary = {(byte) 0xff, 0, (byte) 0x80};
        final ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 0L, null, binary);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordFormat.parse("%s").write(r, out);
        assertArrayEquals(binary, out.toByteArray());
    }

    @Test
    void rejectsUnknownPlaceholdersAndALonePercent() {
        final IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("%s %x"));
        assertTrue(unknown.getMessage().startsWith("unknown placeholder %x"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("50%"));
        assertThrows(TypeConversionException.class, () -> new RecordFormat.Converter().convert("%q"));
    }
}
