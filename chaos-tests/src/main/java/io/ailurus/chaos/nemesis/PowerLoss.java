package io.ailurus.chaos.nemesis;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Simulates a power cut on a killed node's data directory: every segment file is cut back to the size its fsyncs
 * covered (the largest one journaled), as recorded by the broker's test-only durability journal
 * ({@code durability.journal}: one line {@code <path> <bytes>} after each fsync). A segment never fsynced loses
 * everything (its directory entry may or may not have survived; an empty file is one legal outcome). Only segment data
 * is rolled back; other files keep what the page cache had, so the simulation loses no more than a real power cut
 * could.
 */
public final class PowerLoss {

    public static final String JOURNAL = "durability.journal";

    /** What a cut removed; {@code journaled} = segment files the journal knows (0 means the hook was off). */
    public record Outcome(int journaled, int files, long bytesDropped) {
    }

    private PowerLoss() {
    }

    public static Outcome cut(final Path dataDir) throws IOException {
        final Map<Path, Long> durable = new HashMap<>();
        final Path journal = dataDir.resolve(JOURNAL);
        if (Files.exists(journal)) {
            for (final String line : Files.readAllLines(journal)) {
                final int space = line.lastIndexOf(' ');
                if (space > 0) {
                    // The largest size journaled for a file is what survives. Not the last line: two fsyncs of one
                    // segment running at once (two flusher threads) journal in either order, so a smaller size can
                    // follow a larger one whose fsync completed (seen in a tiered run: "667.log 2016" then
                    // "667.log 1944"; the last line cut an fsynced batch and left a hole in the replica). The price:
                    // after a Raft truncation the bytes rewritten up to the old size are kept even if not fsynced
                    // again, so a loss there would go unnoticed (the journal does not tell truncations apart).
                    durable.merge(Path.of(line.substring(0, space)), Long.parseLong(line.substring(space + 1).strip()),
                            Math::max);
                }
            }
        }
        int files = 0;
        long dropped = 0;
        final List<Path> segments;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            segments = walk.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)).toList();
        }
        for (final Path segment : segments) {
            final long keep = durable.getOrDefault(segment.toAbsolutePath(), 0L);
            final long size = Files.size(segment);
            if (size > keep) {
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                    ch.truncate(keep);
                }
                files++;
                dropped += size - keep;
            }
        }
        return new Outcome(durable.size(), files, dropped);
    }
}
