package io.ailurus.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Which file system a path lives on. Printed for the data directory and for /tmp, because a benchmark run on tmpfs
 * measures memory bandwidth and fsync there is a no-op: the numbers would say nothing about a disk.
 */
public record StorageInfo(Path path, String type, String device, String mountPoint, String options) {

    private static final Set<String> MEMORY_BACKED = Set.of("tmpfs", "ramfs", "devtmpfs", "hugetlbfs");

    /** {@code path} must exist. */
    public static StorageInfo of(final Path path) throws IOException {
        final Path real = path.toRealPath();
        final FileStore store = Files.getFileStore(real);
        String mountPoint = "?";
        String options = "?";
        // /proc/self/mounts: "device mountpoint type options 0 0"; the longest mount point containing the path wins.
        final Path mounts = Path.of("/proc/self/mounts");
        if (Files.isReadable(mounts)) {
            final List<String> lines = Files.readAllLines(mounts);
            int best = -1;
            for (final String line : lines) {
                final String[] f = line.split(" ");
                if (f.length < 4) {
                    continue;
                }
                final Path mp = Path.of(f[1].replace("\\040", " "));
                if (real.startsWith(mp) && mp.toString().length() >= best) {
                    best = mp.toString().length();
                    mountPoint = mp.toString();
                    options = f[3];
                }
            }
        }
        return new StorageInfo(real, store.type(), store.name(), mountPoint, options);
    }

    public boolean memoryBacked() {
        return MEMORY_BACKED.contains(type);
    }

    @Override
    public String toString() {
        return String.format("%-40s %s on %s, mounted at %s (%s)%s", path, type, device, mountPoint, options,
                memoryBacked() ? "  <-- MEMORY-BACKED: not a disk" : "");
    }
}
