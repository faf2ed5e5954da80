package io.ailurus.bench.broker;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags of {@link BrokerBench}. {@code --quick} changes the defaults of the per-case budgets; a flag
 * given explicitly wins over either set of defaults, whatever the order.
 *
 * @param quick                  smoke-run defaults (about 200 MiB / 15 s per case)
 * @param produceBytes           the throughput produce phase stops after this many bytes of record values ...
 * @param produceSeconds         ... or after this long, whichever comes first
 * @param latencyBytesPerSecond  the fixed rate of the latency phase (bytes of record values per second)
 * @param latencySeconds         how long the latency phase is measured
 * @param latencyWarmupSeconds   how long it runs, at the same rate, before it is measured
 * @param warmupSeconds          unmeasured produce + consume on a warm-up topic after each broker start
 * @param recordBytes            size of every record value (no key)
 * @param acks                   the acks settings to run ("1", "all")
 * @param partitions             the partition counts to run
 * @param brokers                which brokers run, in this order
 * @param baseDir                logs, configs, JFR files, Kafka's jars, and the per-broker data directories
 * @param ailurusHome            the repository root (ailurus runs from broker/target there)
 * @param kafkaVersion           version of org.apache.kafka:kafka_2.13 to resolve
 * @param kafkaLib               a directory with Kafka's jars to use instead of resolving them (optional)
 * @param mvn                    the Maven executable that resolves Kafka
 * @param brokerHeap             -Xmx of both broker JVMs
 * @param jfr                    record each broker JVM with JFR (into baseDir)
 * @param ailurusJvmOpts         extra JVM flags for ailurus
 * @param kafkaJvmOpts           extra JVM flags for Kafka
 * @param producerProps          extra producer properties, for both brokers
 * @param consumerProps          extra consumer properties, for both brokers
 * @param kafkaServerProps       extra lines of Kafka's server.properties (e.g. log cleaner settings)
 * @param syncBetweenPhases      run sync(1) before each measured phase, so writeback of the previous one is done
 * @param tls                    the measured clients connect over TLS (both brokers get an SSL listener with the same
 *                               self-signed certificate; setup traffic stays on PLAINTEXT)
 */
public record BrokerBenchOptions(boolean quick, long produceBytes, double produceSeconds, long latencyBytesPerSecond,
        double latencySeconds, double latencyWarmupSeconds, double warmupSeconds, int recordBytes, List<String> acks,
        List<Integer> partitions, List<BrokerKind> brokers, Path baseDir, Path ailurusHome, String kafkaVersion,
        Path kafkaLib, String mvn, String brokerHeap, boolean jfr, List<String> ailurusJvmOpts,
        List<String> kafkaJvmOpts, Map<String, String> producerProps, Map<String, String> consumerProps,
        Map<String, String> kafkaServerProps, boolean syncBetweenPhases, boolean tls) {

    static final String USAGE = """
            Usage: BrokerBench [--quick] [flags]
              --quick                    smoke run: 200m / 15 s per case, 10 s latency, 3 s warm-up
              --tls                      measured clients connect over TLS (same certificate for both brokers)
              --produce-bytes N          throughput phase stops after N bytes (k, m, g)   default 3g   (quick 200m)
              --produce-seconds S        ... or after S seconds                           default 60   (quick 15)
              --latency-rate N           fixed rate of the latency phase, bytes/s         default 20m
              --latency-seconds S        measured length of the latency phase             default 30   (quick 10)
              --latency-warmup-seconds S unmeasured start of the latency phase            default 5    (quick 2)
              --warmup-seconds S         unmeasured produce+consume after a broker start  default 10   (quick 3)
              --record-bytes N           record value size                                default 1024
              --acks LIST                acks settings                                    default 1,all
              --partitions LIST          partition counts                                 default 1,6
              --brokers LIST             brokers, in run order: ailurus, kafka, and       default ailurus,kafka
                                         kafka-fsync (Kafka with an fsync per append)
              --dir PATH                 logs, configs, Kafka's jars, data dirs           default bench/target/broker-bench
              --ailurus-home PATH        repository root holding broker/target            default: found from this jar
              --kafka-version V          org.apache.kafka:kafka_2.13 version              default 4.1.1
              --kafka-lib DIR            use the Kafka jars in DIR, do not resolve them
              --mvn PATH                 Maven executable used to resolve Kafka           default mvn
              --broker-heap SIZE         -Xmx of both broker JVMs                         default 1g
              --jfr                      record both broker JVMs with JFR into --dir
              --ailurus-jvm-opts "..."   extra JVM flags for ailurus (space-separated)
              --kafka-jvm-opts "..."     extra JVM flags for Kafka (space-separated)
              --producer-prop K=V        extra producer property, both brokers (repeatable)
              --consumer-prop K=V        extra consumer property, both brokers (repeatable)
              --kafka-server-prop K=V    extra line of Kafka's server.properties (repeatable)
              --no-sync                  do not run sync(1) before each measured phase
            """;

    public static BrokerBenchOptions parse(final String[] args) {
        boolean quick = false;
        Long produceBytes = null;
        Double produceSeconds = null;
        long latencyRate = 20 * Sizes.MIB;
        Double latencySeconds = null;
        Double latencyWarmup = null;
        Double warmup = null;
        int recordBytes = 1024;
        List<String> acks = List.of("1", "all");
        List<Integer> partitions = List.of(1, 6);
        List<BrokerKind> brokers = List.of(BrokerKind.AILURUS, BrokerKind.KAFKA);
        Path dir = null;
        Path home = null;
        String kafkaVersion = "4.1.1";
        Path kafkaLib = null;
        String mvn = "mvn";
        String heap = "1g";
        boolean jfr = false;
        List<String> ailurusOpts = List.of();
        List<String> kafkaOpts = List.of();
        final Map<String, String> producerProps = new LinkedHashMap<>();
        final Map<String, String> consumerProps = new LinkedHashMap<>();
        final Map<String, String> kafkaServerProps = new LinkedHashMap<>();
        boolean sync = true;
        boolean tls = false;
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            switch (flag) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                case "--quick" -> quick = true;
                case "--jfr" -> jfr = true;
                case "--no-sync" -> sync = false;
                case "--tls" -> tls = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
                    }
                    final String value = args[++i];
                    switch (flag) {
                        case "--produce-bytes" -> produceBytes = Sizes.parse(value);
                        case "--produce-seconds" -> produceSeconds = Double.parseDouble(value);
                        case "--latency-rate" -> latencyRate = Sizes.parse(value);
                        case "--latency-seconds" -> latencySeconds = Double.parseDouble(value);
                        case "--latency-warmup-seconds" -> latencyWarmup = Double.parseDouble(value);
                        case "--warmup-seconds" -> warmup = Double.parseDouble(value);
                        case "--record-bytes" -> recordBytes = (int) Sizes.parse(value);
                        case "--acks" -> acks = parseAcks(value);
                        case "--partitions" -> partitions = Arrays.stream(value.split(","))
                                .map(String::trim).map(Integer::parseInt).toList();
                        case "--brokers" -> brokers = Arrays.stream(value.split(",")).map(BrokerKind::parse).toList();
                        case "--dir" -> dir = Path.of(value);
                        case "--ailurus-home" -> home = Path.of(value);
                        case "--kafka-version" -> kafkaVersion = value;
                        case "--kafka-lib" -> kafkaLib = Path.of(value);
                        case "--mvn" -> mvn = value;
                        case "--broker-heap" -> heap = value;
                        case "--ailurus-jvm-opts" -> ailurusOpts = splitOpts(value);
                        case "--kafka-jvm-opts" -> kafkaOpts = splitOpts(value);
                        case "--producer-prop" -> putProp(producerProps, value);
                        case "--consumer-prop" -> putProp(consumerProps, value);
                        case "--kafka-server-prop" -> putProp(kafkaServerProps, value);
                        default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
                    }
                }
            }
        }
        final BrokerBenchOptions options = new BrokerBenchOptions(quick,
                produceBytes != null ? produceBytes : quick ? 200 * Sizes.MIB : 3 * Sizes.GIB,
                produceSeconds != null ? produceSeconds : quick ? 15 : 60,
                latencyRate,
                latencySeconds != null ? latencySeconds : quick ? 10 : 30,
                latencyWarmup != null ? latencyWarmup : quick ? 2 : 5,
                warmup != null ? warmup : quick ? 3 : 10,
                recordBytes, acks, partitions, brokers,
                (dir != null ? dir : defaultBaseDir()).toAbsolutePath(),
                (home != null ? home : defaultHome()).toAbsolutePath().normalize(),
                kafkaVersion, kafkaLib, mvn, heap, jfr, ailurusOpts, kafkaOpts,
                Map.copyOf(producerProps), Map.copyOf(consumerProps), Map.copyOf(kafkaServerProps), sync, tls);
        options.validate();
        return options;
    }

    /** Every (acks, partitions) combination, acks outermost. */
    List<BenchCase> cases() {
        final List<BenchCase> cases = new ArrayList<>();
        for (final String a : acks) {
            for (final int p : partitions) {
                cases.add(new BenchCase(a, p));
            }
        }
        return cases;
    }

    private void validate() {
        if (produceBytes <= 0 || produceSeconds <= 0 || latencyBytesPerSecond <= 0 || latencySeconds <= 0
                || latencyWarmupSeconds < 0 || warmupSeconds < 0 || recordBytes <= 0) {
            throw new IllegalArgumentException("sizes, rates and times must be positive\n" + USAGE);
        }
        if (acks.isEmpty() || partitions.isEmpty() || brokers.isEmpty()
                || partitions.stream().anyMatch(p -> p <= 0) || brokers.stream().distinct().count() != brokers.size()) {
            throw new IllegalArgumentException("need at least one acks, partition count and broker, each once\n"
                    + USAGE);
        }
    }

    private static List<String> parseAcks(final String value) {
        final List<String> acks = Arrays.stream(value.split(",")).map(String::trim)
                .map(a -> a.equals("-1") ? "all" : a).toList();
        for (final String a : acks) {
            if (!a.equals("0") && !a.equals("1") && !a.equals("all")) {
                throw new IllegalArgumentException("acks must be 0, 1 or all, not " + a);
            }
        }
        return acks;
    }

    private static List<String> splitOpts(final String value) {
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    private static void putProp(final Map<String, String> props, final String kv) {
        final int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE, got " + kv);
        }
        props.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    /** bench/target: the parent of bench/target/classes or of the bench jar, whatever the working directory. */
    public static Path benchTarget() {
        try {
            return Path.of(BrokerBenchOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target").toAbsolutePath();
        }
    }

    /** bench/target/broker-bench. Not /tmp, which is often tmpfs: that would measure memory, not a disk. */
    private static Path defaultBaseDir() {
        return benchTarget().resolve("broker-bench");
    }

    /** The repository root: bench/target/../.. . */
    private static Path defaultHome() {
        final Path target = benchTarget();
        return target.getParent() != null && target.getParent().getParent() != null
                ? target.getParent().getParent() : Path.of(".");
    }
}
