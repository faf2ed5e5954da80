package io.ailurus.partition.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The two offsets a log must remember across restarts besides its batches: the recovery point (every segment before
 * it was fsynced and sealed, so recovery need not scan it) and the log start offset (moved by retention and
 * DeleteRecords). Written atomically: temp file, fsync, rename, fsync of the directory.
 */
record LogCheckpoint(long recoveryPoint, long logStartOffset) {

    static final String FILE_NAME = "log.checkpoint";
    private static final String VERSION = "v1";

    static LogCheckpoint read(final Path dir) throws IOException {
        final String text;
        try {
            text = Files.readString(dir.resolve(FILE_NAME), StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return new LogCheckpoint(0, 0);
        }
        final String[] parts = text.split(" ");
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            // Unknown content: assume nothing, which makes recovery scan everything.
            return new LogCheckpoint(0, 0);
        }
        try {
            return new LogCheckpoint(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return new LogCheckpoint(0, 0);
        }
    }

    void write(final Path dir) throws IOException {
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        final byte[] bytes = (VERSION + " " + recoveryPoint + " " + logStartOffset + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Directories.fsync(dir);
    }
}
