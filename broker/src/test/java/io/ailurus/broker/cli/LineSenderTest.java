package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class LineSenderTest {

    private static final Progress NO_PROGRESS = new Progress(new PrintWriter(new StringWriter()), false, () -> 0L);

    private static BufferedReader lines(final String text) {
        return new BufferedReader(new StringReader(text));
    }

    private static String utf8(final byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void everyLineIsOneRecordWithKeyHeadersAndPartition() {
        final MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        final List<Header> headers = List.of(new RecordHeader("source", "cli".getBytes(StandardCharsets.UTF_8)));
        final LineSender sender = new LineSender(producer, "orders", 3, ":", headers, NO_PROGRESS);

        sender.sendAll(lines("u1:clicked\nno key\n:empty key\nu2:a:b"));

        final List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(4, sent.size());
        assertEquals(List.of("u1", "<null>", "", "u2"),
                sent.stream().map(r -> r.key() == null ? "<null>" : utf8(r.key())).toList());
        assertEquals(List.of("clicked", "no key", "empty key", "a:b"),
                sent.stream().map(r -> utf8(r.value())).toList());
        for (final ProducerRecord<byte[], byte[]> r : sent) {
            assertEquals("orders", r.topic());
            assertEquals(3, r.partition());
            assertArrayEquals("cli".getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("source").value());
        }
        assertNull(sender.failure());
        assertEquals(4, sender.acked());
        assertEquals("u1clickedno keyempty keyu2a:b".length(), sender.ackedBytes());
    }

    @Test
    void stopsReadingAtTheFirstFailedSend() {
        final MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    private int sends;

                    @Override
                    public synchronized Future<RecordMetadata> send(final ProducerRecord<byte[], byte[]> record,
                            final Callback callback) {
                        if (++sends == 2) {
                            final RecordTooLargeException e = new RecordTooLargeException("too big");
                            callback.onCompletion(null, e);
                            return CompletableFuture.failedFuture(e);
                        }
                        return super.send(record, callback);
                    }
                };
        final LineSender sender = new LineSender(producer, "orders", null, null, List.of(), NO_PROGRESS);

        sender.sendAll(lines("one\ntwo\nthree\nfour\n"));

        assertInstanceOf(RecordTooLargeException.class, sender.failure());
        assertEquals(1, sender.acked());
        assertEquals(List.of("one"), producer.history().stream().map(r -> utf8(r.value())).toList());
    }
}
