package io.ailurus.broker.cli;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The loop of {@code ailurus produce}: one record per input line, sent asynchronously; stops reading at the first
 * failed send, and flushes at the end. Counts what the broker acknowledged.
 */
final class LineSender {

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Integer partition;
    private final String keySeparator;
    private final List<Header> headers;
    private final Progress progress;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong ackedBytes = new AtomicLong();

    /**
     * @param partition    the partition of every record, or null for the producer's partitioner
     * @param keySeparator see {@link KeyedLine#split}; null for records without keys
     */
    LineSender(final Producer<byte[], byte[]> producer, final String topic, final Integer partition,
            final String keySeparator, final List<Header> headers, final Progress progress) {
        this.producer = producer;
        this.topic = topic;
        this.partition = partition;
        this.keySeparator = keySeparator;
        this.headers = List.copyOf(headers);
        this.progress = progress;
    }

    /** Sends every line of {@code in} until the end or the first failure, then flushes. */
    void sendAll(final BufferedReader in) {
        long submitted = 0;
        long submittedBytes = 0;
        try {
            String line;
            while (failure.get() == null && (line = in.readLine()) != null) {
                final KeyedLine kv = KeyedLine.split(line, keySeparator);
                final byte[] key = kv.key() == null ? null : kv.key().getBytes(StandardCharsets.UTF_8);
                final byte[] value = kv.value().getBytes(StandardCharsets.UTF_8);
                final int size = (key == null ? 0 : key.length) + value.length;
                producer.send(new ProducerRecord<>(topic, partition, key, value, headers), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                        ackedBytes.addAndGet(size);
                    }
                });
                submitted++;
                submittedBytes += size;
                progress.update(submitted, submittedBytes);
            }
            producer.flush();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    long acked() {
        return acked.get();
    }

    long ackedBytes() {
        return ackedBytes.get();
    }

    /** The first failure (of reading, sending or a send's acknowledgement), or null. */
    Exception failure() {
        return failure.get();
    }
}
