package io.ailurus.partition.producer;

import io.ailurus.partition.log.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Producer ids of a single node, reserved in blocks: the end of the reserved block is written (and fsynced) before
 * any id in it is handed out, so a restart continues after the block and never reuses an id.
 */
public final class FileProducerIdSource implements ProducerIdSource {

    static final int BLOCK_SIZE = 1000;
    private final Path file;
    private long next;
    private long blockEnd;

    public FileProducerIdSource(final Path file) {
        this.file = file;
        try {
            final long saved = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
            this.next = saved;
            this.blockEnd = saved;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized long nextProducerId() {
        if (next >= blockEnd) {
            reserve(next + BLOCK_SIZE);
        }
        return next++;
    }

    private void reserve(final long end) {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((end + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        blockEnd = end;
    }
}
