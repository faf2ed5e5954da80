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

/**
 * {@link RaftStateStore} as the file {@code raft.state} in the partition directory: one line
 * {@code v1 <term> <votedFor>}, replaced atomically (temp file, fsync, rename, fsync of the directory) so that a
 * crash leaves either the old or the new state, never a torn one.
 */
public final class FileRaftStateStore implements RaftStateStore {

    public static final String FILE_NAME = "raft.state";
    private static final String VERSION = "v1";

    private final Path dir;

    public FileRaftStateStore(final Path dir) {
        this.dir = dir;
    }

    @Override
    public ElectionState load() {
        final String text;
        try {
            text = Files.readString(dir.resolve(FILE_NAME), StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return ElectionState.INITIAL;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(FILE_NAME), e);
        }
        final String[] parts = text.split(" ");
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            // Forgetting a vote could let this member vote twice in one term: refuse to start instead.
            throw new IllegalStateException("unreadable " + dir.resolve(FILE_NAME) + ": '" + text + "'");
        }
        return new ElectionState(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    @Override
    public void save(final ElectionState state) {
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        final byte[] bytes = (VERSION + " " + state.term() + " " + state.votedFor() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist raft state in " + dir, e);
        }
    }
}
