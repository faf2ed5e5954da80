package io.ailurus.broker.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The poll loop of {@code ailurus consume}: writes each record in the format, flushing after every batch, until
 * {@code maxMessages} records (null: no limit), {@code idleMs} without a record (null: wait forever), a wakeup
 * (Ctrl-C) or the reader going away (a broken pipe, as with {@code | head}).
 */
final class RecordPrinter {

    private static final long MAX_POLL_MS = 500;

    private final RecordFormat format;
    private final Long maxMessages;
    private final Long idleMs;
    private final Progress progress;
    private long count;
    private long bytes;

    RecordPrinter(final RecordFormat format, final Long maxMessages, final Long idleMs, final Progress progress) {
        this.format = format;
        this.maxMessages = maxMessages;
        this.idleMs = idleMs;
        this.progress = progress;
    }

    void run(final Consumer<byte[], byte[]> consumer, final OutputStream out) throws IOException {
        final Duration pollTimeout = Duration.ofMillis(idleMs == null ? MAX_POLL_MS : Math.min(MAX_POLL_MS, idleMs));
        long lastRecordNs = System.nanoTime();
        try {
            while (!limitReached()) {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                if (records.isEmpty()) {
                    if (idleMs != null && System.nanoTime() - lastRecordNs >= TimeUnit.MILLISECONDS.toNanos(idleMs)) {
                        break;
                    }
                    continue;
                }
                lastRecordNs = System.nanoTime();
                progress.suspend();
                for (final ConsumerRecord<byte[], byte[]> record : records) {
                    write(record, out);
                    if (limitReached()) {
                        break;
                    }
                }
                out.flush();
                progress.update(count, bytes);
            }
            out.flush();
        } catch (WakeupException stopped) {
            flushQuietly(out);
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("Broken pipe")) {
                throw e;
            }
        } finally {
            progress.finish();
        }
    }

    long count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    private void write(final ConsumerRecord<byte[], byte[]> record, final OutputStream out) throws IOException {
        format.write(record, out);
        count++;
        bytes += length(record.key()) + length(record.value());
    }

    private static int length(final byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private boolean limitReached() {
        return maxMessages != null && count >= maxMessages;
    }

    private static void flushQuietly(final OutputStream out) {
        try {
            out.flush();
        } catch (IOException ignored) {
            // The reader is gone; nothing left to tell it.
        }
    }
}
