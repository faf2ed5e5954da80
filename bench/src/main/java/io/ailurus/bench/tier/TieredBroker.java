package io.ailurus.bench.tier;

import io.ailurus.bench.broker.AilurusBroker;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.BrokerUnderTest;
import io.ailurus.bench.broker.ChildJvm;
import io.ailurus.bench.broker.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/**
 * One ailurus node with tiered storage on, as an operator starts it: {@code io.ailurus.broker.Ailurus start} from
 * {@code broker/target} in its own JVM (the flags Aeron needs, {@code -Xmx}), with {@code --tiered-storage},
 * {@code --tiered-storage-endpoint}, {@code --tiered-storage-bucket}, {@code --tiered-storage-upload-interval}, and a
 * {@code --config} file for what has no flag: the bucket's credentials, the cache, and how often local retention
 * runs. {@link #restart()} stops it (SIGTERM) and starts it again on the same data directory, which empties the tier
 * cache (the node clears it on start).
 */
final class TieredBroker implements BrokerUnderTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final TierBenchOptions options;
    private final S3Server s3;
    private final Path dataDir;
    private final Path configFile;
    private final Path logFile;
    private final String classpath;
    private ChildJvm jvm;
    private int port;
    private int starts;

    private TieredBroker(final TierBenchOptions options, final S3Server s3, final Path dataDir,
            final Path configFile, final String classpath) {
        this.options = options;
        this.s3 = s3;
        this.dataDir = dataDir;
        this.configFile = configFile;
        this.logFile = options.baseDir().resolve("ailurus.log");
        this.classpath = classpath;
    }

    static TieredBroker start(final TierBenchOptions options, final S3Server s3, final Path dataDir)
            throws IOException, InterruptedException {
        final String classpath = AilurusBroker.classpath(options.ailurusHome());
        final Path config = options.baseDir().resolve("ailurus-tier.conf");
        Files.writeString(config, config(options));
        Files.deleteIfExists(options.baseDir().resolve("ailurus.log"));
        final TieredBroker broker = new TieredBroker(options, s3, dataDir, config, classpath);
        broker.launch();
        return broker;
    }

    /** The HOCON file: what the start command has no flag for. */
    static String config(final TierBenchOptions options) {
        return String.format("""
                # Written by TierBench. The bucket, its endpoint and the upload interval come as flags.
                ailurus {
                  log.retention-check-interval = %s
                  tiered-storage {
                    # S3Mock does not check signatures; the node signs with these.
                    s3 { access-key = "tier-bench", secret-key = "tier-bench" }
                    cache { max-bytes = %d, chunk-bytes = %d }
                  }
                }
                """, options.retentionCheckInterval(), options.cacheBytes(), options.chunkBytes());
    }

    private void launch() throws IOException, InterruptedException {
        starts++;
        port = FreePorts.next();
        final int clusterPort = FreePorts.next();
        final List<String> jvmArgs = new ArrayList<>();
        jvmArgs.add("-Xmx" + options.brokerHeap());
        if (options.jfr()) {
            final Path jfr = options.baseDir().resolve("ailurus-" + starts + ".jfr").toAbsolutePath();
            jvmArgs.add("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true,settings=profile");
        }
        jvmArgs.addAll(AilurusBroker.requiredJvmFlags());
        jvmArgs.addAll(options.ailurusJvmOpts());
        Files.writeString(logFile, String.format("%n===== TierBench: broker start %d =====%n", starts),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        jvm = ChildJvm.start("ailurus", jvmArgs, classpath, AilurusBroker.MAIN_CLASS, List.of("start",
                        "--data-dir", dataDir.toAbsolutePath().toString(),
                        "--port", Integer.toString(port), "--cluster-port", Integer.toString(clusterPort),
                        "--admin-port", "0",
                        "--config", configFile.toAbsolutePath().toString(),
                        "--tiered-storage",
                        "--tiered-storage-endpoint", s3.endpoint(),
                        "--tiered-storage-bucket", s3.bucket(),
                        "--tiered-storage-upload-interval", options.uploadInterval()),
                options.baseDir(), logFile);
        try {
            jvm.awaitPort(port, START_TIMEOUT);
            awaitReady();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /** Stops the node (SIGTERM, bounded) and starts it again on the same data: the tier cache starts empty. */
    void restart() throws IOException, InterruptedException {
        close();
        launch();
    }

    /** Until DescribeCluster answers with this node. */
    private void awaitReady() throws InterruptedException {
        final long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            while (System.nanoTime() < deadline) {
                jvm.checkAlive();
                try {
                    final Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("broker at " + bootstrap() + " not ready within " + START_TIMEOUT.toSeconds()
                + " s (last error: " + last + "), see " + logFile);
    }

    int starts() {
        return starts;
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.AILURUS;
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public long pid() {
        return jvm.pid();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public void checkAlive() {
        jvm.checkAlive();
    }

    @Override
    public void close() {
        if (jvm != null) {
            jvm.stop(STOP_GRACE);
        }
    }
}
