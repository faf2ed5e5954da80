package io.ailurus.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The baseline: the batch bytes written back to back with {@code FileChannel.write}, nothing else. It writes from
 * the same heap buffer the log gets, so both pay the same JDK heap-to-direct copy and the difference is the log's
 * own work (validation, CRC, stamping, indexing, rolling).
 */
final class RawFileSink implements BatchSink {

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer batch;
    private final int size;
    private long written;

    RawFileSink(final Path file, final MemoryRecords records) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        // Our own view of the bytes: rewinding it per append costs nothing and leaves the caller's buffer alone.
        this.batch = records.buffer().duplicate();
        this.size = batch.remaining();
    }

    @Override
    public int append() throws IOException {
        batch.position(0).limit(size);
        while (batch.hasRemaining()) {
            channel.write(batch);
        }
        written += size;
        return size;
    }

    @Override
    public void sync() throws IOException {
        // force(false): data only, like SegmentLog.flush; metadata (mtime) need not be durable for the data to be.
        channel.force(false);
    }

    @Override
    public String describe() {
        return "1 file, " + written + " bytes (" + file.getFileName() + ")";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
