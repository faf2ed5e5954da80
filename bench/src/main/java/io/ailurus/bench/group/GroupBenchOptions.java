package io.ailurus.bench.group;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line flags of {@link GroupBench}.
 *
 * @param repetitions          formations (each followed by one member leaving) per broker, each with a fresh group id
 * @param members              consumers per group
 * @param partitions           partitions of the subscribed topic
 * @param commitSeconds        measured length of the commit loop
 * @param commitWarmupSeconds  unmeasured commits before it
 * @param settleMillis         least pause between a group's formation and the member leaving (see BrokerGroupRun)
 * @param pollMillis           timeout of each member's poll()
 * @param timeoutSeconds       bound of every wait for a group (formation, rebalance, close)
 * @param brokers              "ailurus", "kafka", in run order
 * @param baseDir              logs, configs, data directories, results.md
 * @param harnessArgs          BrokerBench flags handed to its launch code (directories, Kafka's jars, heap, JVM flags)
 * @param kafkaLibNote         where Kafka's jars come from, for the printed setup
 * @param consumerProps        extra consumer properties, for both brokers
 */
record GroupBenchOptions(int repetitions, int members, int partitions, double commitSeconds,
        double commitWarmupSeconds, long settleMillis, long pollMillis, long timeoutSeconds, List<String> brokers,
        Path baseDir, List<String> harnessArgs, String kafkaLibNote, Map<String, String> consumerProps) {

    static final String USAGE = """
            Usage: GroupBench [flags]
              --repetitions N            group formations (+ one member leaving) per broker      default 10
              --members N                consumers per group                                    default 3
              --partitions N             partitions of the subscribed topic                     default 6
              --commit-seconds S         measured commitSync() loop                             default 10
              --commit-warmup-seconds S  unmeasured commits before it                           default 2
              --settle-ms MS             least pause between formation and the leave            default 1000
                                         (plus (rep mod 10) x 50 ms: see bench/README.md)
              --poll-ms MS               each member's poll() timeout                           default 50
              --timeout-seconds S        bound of every wait for a group                        default 60
              --brokers LIST             brokers, in run order                                  default ailurus,kafka
              --dir PATH                 logs, configs, data dirs, results.md                   default bench/target/group-bench
              --consumer-prop K=V        extra consumer property, both brokers (repeatable)
            Broker launch (as BrokerBench's flags of the same name):
              --ailurus-home PATH, --kafka-version V, --kafka-lib DIR, --mvn PATH, --broker-heap SIZE, --jfr,
              --ailurus-jvm-opts "...", --kafka-jvm-opts "..."
              Without --kafka-lib, Kafka's jars already resolved by BrokerBench (bench/target/broker-bench/kafka-V/lib)
              are used if they are there; otherwise they are resolved with Maven under --dir.
            """;

    static GroupBenchOptions parse(final String[] args) {
        int repetitions = 10;
        int members = 3;
        int partitions = 6;
        double commitSeconds = 10;
        double commitWarmup = 2;
        long settle = 1000;
        long pollMs = 50;
        long timeout = 60;
        List<String> brokers = List.of("ailurus", "kafka");
        Path dir = null;
        String kafkaVersion = "4.1.1";
        Path kafkaLib = null;
        final List<String> harness = new ArrayList<>();
        final Map<String, String> consumerProps = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (flag.equals("--jfr")) {
                harness.add(flag);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
            }
            final String value = args[++i];
            switch (flag) {
                case "--repetitions" -> repetitions = Integer.parseInt(value);
                case "--members" -> members = Integer.parseInt(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--commit-seconds" -> commitSeconds = Double.parseDouble(value);
                case "--commit-warmup-seconds" -> commitWarmup = Double.parseDouble(value);
                case "--settle-ms" -> settle = Long.parseLong(value);
                case "--poll-ms" -> pollMs = Long.parseLong(value);
                case "--timeout-seconds" -> timeout = Long.parseLong(value);
                case "--brokers" -> brokers = Arrays.stream(value.split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
                case "--dir" -> dir = Path.of(value);
                case "--consumer-prop" -> {
                    final int eq = value.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("expected KEY=VALUE, got " + value);
                    }
                    consumerProps.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--kafka-lib" -> kafkaLib = Path.of(value);
                case "--kafka-version" -> {
                    kafkaVersion = value;
                    harness.add(flag);
                    harness.add(value);
                }
                case "--ailurus-home", "--mvn", "--broker-heap", "--ailurus-jvm-opts", "--kafka-jvm-opts" -> {
                    harness.add(flag);
                    harness.add(value);
                }
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        if (repetitions <= 0 || members < 2 || partitions < members || commitSeconds <= 0 || commitWarmup < 0
                || settle < 0 || pollMs <= 0 || timeout <= 0) {
            throw new IllegalArgumentException("need repetitions >= 1, members >= 2, partitions >= members, positive "
                    + "times\n" + USAGE);
        }
        for (final String b : brokers) {
            if (!b.equals("ailurus") && !b.equals("kafka")) {
                throw new IllegalArgumentException("unknown broker " + b + "; known: ailurus, kafka");
            }
        }
        if (brokers.isEmpty() || brokers.stream().distinct().count() != brokers.size()) {
            throw new IllegalArgumentException("each broker at most once\n" + USAGE);
        }
        final Path base = (dir != null ? dir : benchTarget().resolve("group-bench")).toAbsolutePath();
        harness.add("--dir");
        harness.add(base.toString());
        String libNote;
        if (kafkaLib == null) {
            // BrokerBench resolves Kafka once into its own directory; reuse it rather than download it again.
            final Path shared = benchTarget().resolve("broker-bench").resolve("kafka-" + kafkaVersion);
            if (Files.exists(shared.resolve(".complete"))) {
                kafkaLib = shared.resolve("lib");
                libNote = kafkaLib + " (resolved earlier by BrokerBench)";
            } else {
                libNote = base.resolve("kafka-" + kafkaVersion).resolve("lib") + " (resolved with Maven if missing)";
            }
        } else {
            libNote = kafkaLib.toAbsolutePath().toString();
        }
        if (kafkaLib != null) {
            harness.add("--kafka-lib");
            harness.add(kafkaLib.toAbsolutePath().toString());
        }
        return new GroupBenchOptions(repetitions, members, partitions, commitSeconds, commitWarmup, settle, pollMs,
                timeout, brokers, base, List.copyOf(harness), libNote, Map.copyOf(consumerProps));
    }

    /** bench/target: the parent of bench/target/classes or of the bench jar, whatever the working directory. */
    private static Path benchTarget() {
        try {
            return Path.of(GroupBenchOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target").toAbsolutePath();
        }
    }
}
