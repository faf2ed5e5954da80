package io.ailurus.partition.raft;

import io.ailurus.partition.log.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The file {@code leader-epoch-checkpoint} in a partition directory, in Kafka's format: a version line ({@code 0}),
 * a count line, then one {@code <epoch> <startOffset>} line per entry. Replaced atomically (temp file, fsync,
 * rename, directory fsync).
 */
final class LeaderEpochCheckpointFile {

    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final String VERSION = "0";

    private final Path dir;

    LeaderEpochCheckpointFile(final Path dir) {
        this.dir = dir;
    }

    /** The entries, or null when the file is missing or unreadable (the caller rebuilds from the log). */
    List<EpochHistory.Entry> read() {
        final List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(FILE_NAME), e);
        }
        try {
            if (lines.size() < 2 || !VERSION.equals(lines.get(0).trim())) {
                return null;
            }
            final int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                return null;
            }
            final List<EpochHistory.Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                final String[] parts = lines.get(2 + i).trim().split("\\s+");
                if (parts.length != 2) {
                    return null;
                }
                entries.add(new EpochHistory.Entry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            }
            return entries;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    void write(final List<EpochHistory.Entry> entries) {
        final StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (final EpochHistory.Entry e : entries) {
            text.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME), e);
        }
    }
}
