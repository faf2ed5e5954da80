package io.ailurus.broker;

import io.ailurus.partition.log.Directories;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * {@code <data-dir>/meta.properties}: the cluster id and node id this data directory belongs to, written once, so a
 * restarted node reports the same cluster id and a data directory cannot be started as another node by mistake.
 */
final class ClusterIdentity {

    static final String FILE = "meta.properties";

    private ClusterIdentity() {
    }

    /** Returns the cluster id stored in {@code dataDir}, creating the file on first start. */
    static String load(final Path dataDir, final int nodeId, final String configuredClusterId) throws IOException {
        final Path file = dataDir.resolve(FILE);
        final Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            final int storedNode = Integer.parseInt(p.getProperty("node.id"));
            if (storedNode != nodeId) {
                throw new IllegalStateException("data directory " + dataDir + " belongs to node " + storedNode
                        + ", not node " + nodeId);
            }
            return p.getProperty("cluster.id");
        }
        final String clusterId = configuredClusterId.isEmpty() ? Uuid.randomUuid().toString() : configuredClusterId;
        p.setProperty("cluster.id", clusterId);
        p.setProperty("node.id", Integer.toString(nodeId));
        final Path tmp = dataDir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "ailurus node identity");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Directories.fsync(dataDir);
        return clusterId;
    }
}
