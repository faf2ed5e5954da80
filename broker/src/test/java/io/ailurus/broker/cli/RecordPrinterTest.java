package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecordPrinterTest {

    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final Progress NO_PROGRESS = new Progress(new PrintWriter(new StringWriter()), false, () -> 0L);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void assignAndFill() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.seekToBeginning(List.of(P0));
        for (int i = 0; i < 5; i++) {
            consumer.addRecord(new ConsumerRecord<>("orders", 0, i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stopsAfterMaxMessages() throws Exception {
        final RecordPrinter printer = new RecordPrinter(RecordFormat.parse("%o:%k=%s\\n"), 3L, null, NO_PROGRESS);
        printer.run(consumer, out);
        assertEquals("0:k0=v0\n1:k1=v1\n2:k2=v2\n", printed());
        assertEquals(3, printer.count());
        assertEquals(12, printer.bytes());
    }

    @Test
    void exitsAfterTheIdleTimeout() throws Exception {
        final RecordPrinter printer = new RecordPrinter(RecordFormat.parse("%s,"), null, 200L, NO_PROGRESS);
        final long start = System.nanoTime();
        printer.run(consumer, out);
        final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("v0,v1,v2,v3,v4,", printed());
        assertTrue(elapsedMs >= 200 && elapsedMs < 5_000, "exited after " + elapsedMs + " ms");
    }

    @Test
    void withMaxMessagesNotReachedTheIdleTimeoutStillApplies() throws Exception {
        final RecordPrinter printer = new RecordPrinter(RecordFormat.parse("%s,"), 10L, 100L, NO_PROGRESS);
        printer.run(consumer, out);
        assertEquals(5, printer.count());
    }

    @Test
    void aWakeupStopsCleanlyWithWhatWasPrinted() throws Exception {
        consumer.scheduleNopPollTask();
        consumer.schedulePollTask(consumer::wakeup);
        final RecordPrinter printer = new RecordPrinter(RecordFormat.parse("%s\\n"), null, null, NO_PROGRESS);
        printer.run(consumer, out);
        assertEquals("v0\nv1\nv2\nv3\nv4\n", printed());
    }
}
