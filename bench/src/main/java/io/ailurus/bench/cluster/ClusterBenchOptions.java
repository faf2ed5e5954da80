package io.ailurus.bench.cluster;

import io.ailurus.bench.broker.BrokerBenchOptions;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.Sizes;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line flags of {@link ClusterBench}, in the style of {@link BrokerBenchOptions}. The produce phases reuse
 * BrokerBench's producers, which take a {@link BrokerBenchOptions}: {@link #brokerOptions} is that, built from these
 * flags (so Kafka's jars are also shared with BrokerBench, in bench/target/broker-bench/kafka-VERSION).
 *
 * @param seconds              length of the closed-loop throughput phase
 * @param warmupSeconds        unmeasured produce (acks=1, another topic) after the cluster started
 * @param latencyBytesPerSecond fixed rate of the latency phase
 * @param latencySeconds       measured length of the latency phase
 * @param latencyWarmupSeconds unmeasured start of the latency phase
 * @param recordBytes          record value size
 * @param failoverRounds       kill-the-leader rounds
 * @param failoverTimeout      longest wait for the first produce after a kill, seconds
 * @param systems              which clusters run, in this order
 * @param baseDir              logs, configs and the data directories of this benchmark
 * @param ailurusHome          the repository root (ailurus runs from broker/target there)
 * @param kafkaVersion         version of org.apache.kafka:kafka_2.13
 * @param kafkaLib             Kafka's jars, instead of resolving them (optional)
 * @param nodeHeap             -Xmx of every node JVM
 * @param ailurusJvmOpts       extra JVM flags for the ailurus nodes
 * @param kafkaJvmOpts         extra JVM flags for the Kafka nodes
 * @param brokerOptions        the same settings as BrokerBench's options, for its producers and Kafka's jars
 */
record ClusterBenchOptions(double seconds, double warmupSeconds, long latencyBytesPerSecond, double latencySeconds,
        double latencyWarmupSeconds, int recordBytes, int failoverRounds, double failoverTimeout,
        List<BrokerKind> systems, Path baseDir, Path ailurusHome, String kafkaVersion, Path kafkaLib, String nodeHeap,
        List<String> ailurusJvmOpts, List<String> kafkaJvmOpts, BrokerBenchOptions brokerOptions) {

    static final int PARTITIONS = 3;
    static final short REPLICATION_FACTOR = 3;

    static final String USAGE = """
            Usage: ClusterBench [flags]
              --seconds S                throughput phase length (acks=all)                default 30
              --warmup-seconds S         unmeasured produce after the cluster started      default 5
              --latency-rate N           fixed rate of the latency phase, bytes/s (k, m)   default 10m
              --latency-seconds S        measured length of the latency phase             default 20
              --latency-warmup-seconds S unmeasured start of the latency phase            default 3
              --record-bytes N           record value size                                default 1024
              --failover-rounds N        kill-the-leader rounds                           default 10
              --failover-timeout S       longest wait for a produce after a kill          default 60
              --systems LIST             clusters, in run order                           default ailurus,kafka
              --dir PATH                 logs, configs, data dirs                         default bench/target/cluster-bench
              --ailurus-home PATH        repository root holding broker/target            default: found from this jar
              --kafka-version V          org.apache.kafka:kafka_2.13 version              default 4.1.1
              --kafka-lib DIR            use the Kafka jars in DIR, do not resolve them
              --node-heap SIZE           -Xmx of every node JVM                           default 512m
              --ailurus-jvm-opts "..."   extra JVM flags for the ailurus nodes (space-separated)
              --kafka-jvm-opts "..."     extra JVM flags for the Kafka nodes (space-separated)
            """;

    static ClusterBenchOptions parse(final String[] args) {
        double seconds = 30;
        double warmup = 5;
        String latencyRate = "10m";
        double latencySeconds = 20;
        double latencyWarmup = 3;
        String recordBytes = "1024";
        int rounds = 10;
        double failoverTimeout = 60;
        String systems = "ailurus,kafka";
        Path dir = null;
        String home = null;
        String kafkaVersion = "4.1.1";
        String kafkaLib = null;
        String heap = "512m";
        String ailurusOpts = "";
        String kafkaOpts = "";
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
            }
            final String value = args[++i];
            switch (flag) {
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--warmup-seconds" -> warmup = Double.parseDouble(value);
                case "--latency-rate" -> latencyRate = value;
                case "--latency-seconds" -> latencySeconds = Double.parseDouble(value);
                case "--latency-warmup-seconds" -> latencyWarmup = Double.parseDouble(value);
                case "--record-bytes" -> recordBytes = value;
                case "--failover-rounds" -> rounds = Integer.parseInt(value);
                case "--failover-timeout" -> failoverTimeout = Double.parseDouble(value);
                case "--systems" -> systems = value;
                case "--dir" -> dir = Path.of(value);
                case "--ailurus-home" -> home = value;
                case "--kafka-version" -> kafkaVersion = value;
                case "--kafka-lib" -> kafkaLib = value;
                case "--node-heap" -> heap = value;
                case "--ailurus-jvm-opts" -> ailurusOpts = value;
                case "--kafka-jvm-opts" -> kafkaOpts = value;
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        // BrokerBench's own parser checks sizes, rates and names; its produce budget is the time, not bytes.
        final List<String> broker = new ArrayList<>(List.of(
                "--produce-seconds", Double.toString(seconds), "--produce-bytes", "1000000g",
                "--latency-rate", latencyRate, "--latency-seconds", Double.toString(latencySeconds),
                "--latency-warmup-seconds", Double.toString(latencyWarmup),
                "--warmup-seconds", Double.toString(warmup), "--record-bytes", recordBytes,
                "--acks", "all", "--partitions", Integer.toString(PARTITIONS), "--brokers", systems,
                "--kafka-version", kafkaVersion, "--broker-heap", heap,
                "--producer-prop", "enable.idempotence=true"));
        if (home != null) {
            broker.addAll(List.of("--ailurus-home", home));
        }
        if (kafkaLib != null) {
            broker.addAll(List.of("--kafka-lib", kafkaLib));
        }
        final BrokerBenchOptions b = BrokerBenchOptions.parse(broker.toArray(String[]::new));
        if (b.brokers().contains(BrokerKind.KAFKA_FSYNC)) {
            throw new IllegalArgumentException("--systems: ClusterBench runs ailurus and kafka only\n" + USAGE);
        }
        if (rounds < 0 || failoverTimeout <= 0) {
            throw new IllegalArgumentException("--failover-rounds must be >= 0 and --failover-timeout > 0\n" + USAGE);
        }
        return new ClusterBenchOptions(seconds, warmup, b.latencyBytesPerSecond(), b.latencySeconds(),
                b.latencyWarmupSeconds(), b.recordBytes(), rounds, failoverTimeout, b.brokers(),
                (dir != null ? dir : defaultBaseDir()).toAbsolutePath(), b.ailurusHome(), b.kafkaVersion(),
                b.kafkaLib(), heap, splitOpts(ailurusOpts), splitOpts(kafkaOpts), b);
    }

    String describeWorkload() {
        return String.format("topic of %d partitions, RF=%d; %d-byte records, acks=all, idempotent; throughput %.0f s "
                        + "(after %.0f s warm-up); latency at %.0f MiB/s for %.0f s after %.0f s; %d failover rounds",
                PARTITIONS, REPLICATION_FACTOR, recordBytes, seconds, warmupSeconds,
                Sizes.mib(latencyBytesPerSecond), latencySeconds, latencyWarmupSeconds, failoverRounds);
    }

    private static List<String> splitOpts(final String value) {
        return value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
    }

    /** bench/target/cluster-bench, next to bench/target/classes (or the bench jar). Not /tmp, often tmpfs. */
    private static Path defaultBaseDir() {
        try {
            return Path.of(ClusterBenchOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent().resolve("cluster-bench");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target", "cluster-bench").toAbsolutePath();
        }
    }
}
