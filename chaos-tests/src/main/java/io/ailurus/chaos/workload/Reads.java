package io.ailurus.chaos.workload;

import io.ailurus.chaos.history.Read;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/** Consumer records as history reads, in the order the consumer returned them. */
public final class Reads {

    private Reads() {
    }

    public static List<Read> of(final ConsumerRecords<String, String> records) {
        final List<Read> reads = new ArrayList<>(records.count());
        for (final ConsumerRecord<String, String> r : records) {
            reads.add(new Read(r.partition(), r.offset(), parse(r.value())));
        }
        return reads;
    }

    /** A value we did not write (or a null) reads as -1: still a value, so it shows up as an inconsistent offset. */
    private static long parse(final String value) {
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
