package io.ailurus.partition.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Directory durability: on Linux a new, renamed or deleted file survives power loss only after its directory is fsynced. */
public final class Directories {

    private Directories() {
    }

    public static void fsync(final Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
