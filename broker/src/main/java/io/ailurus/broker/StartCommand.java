package io.ailurus.broker;

import io.ailurus.partition.log.LogConfig;
import io.ailurus.partition.log.SegmentLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ailurus start}: runs a single node with embedded defaults until SIGTERM.
 *
 * <p>So far the node owns its data directory: it opens (and, after a crash, recovers) every partition log in it and
 * closes them cleanly on shutdown. It does not serve the Kafka API yet and says so.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a single broker node (no config needed).")
final class StartCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);

    @Option(names = "--data-dir", defaultValue = "./data", description = "Where partition logs live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        final List<SegmentLog> logs = openPartitionLogs(dataDir);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread shutdown = new Thread(() -> {
            closeAll(logs);
            stopped.countDown();
        }, "ailurus-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        long records = 0;
        for (final SegmentLog log : logs) {
            records += log.logEndOffset() - log.logStartOffset();
        }
        LOG.info("ailurus node started: data dir {} holds {} partition log(s), {} record(s)",
                dataDir.toAbsolutePath().normalize(), logs.size(), records);
        LOG.info("The Kafka API is not served yet (next milestone); stop with Ctrl-C or SIGTERM");
        stopped.await();
        return 0;
    }

    /** Partition logs live in {@code <data-dir>/<topic>/<partition>/}. */
    private static List<SegmentLog> openPartitionLogs(final Path dataDir) throws IOException {
        final List<SegmentLog> logs = new ArrayList<>();
        try (DirectoryStream<Path> topics = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (final Path topic : topics) {
                try (DirectoryStream<Path> partitions = Files.newDirectoryStream(topic,
                        p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+"))) {
                    for (final Path partition : partitions) {
                        logs.add(SegmentLog.open(partition, LogConfig.defaults()));
                    }
                }
            }
        }
        return logs;
    }

    private static void closeAll(final List<SegmentLog> logs) {
        for (final SegmentLog log : logs) {
            try {
                log.close();
            } catch (IOException e) {
                LOG.error("Closing {} failed: {}", log, e.toString());
            }
        }
        LOG.info("ailurus node stopped: {} partition log(s) closed cleanly", logs.size());
    }
}
