package io.ailurus.bench.txn;

import io.ailurus.bench.broker.BrokerBenchOptions;
import io.ailurus.bench.broker.BrokerKind;
import io.ailurus.bench.broker.Sizes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line flags of {@link TxnBench}, in the style of {@link BrokerBenchOptions}. Brokers are started, and the
 * read_committed consumer run, by BrokerBench's code, which takes a {@link BrokerBenchOptions}: {@link #brokerOptions}
 * is that, built from these flags (so Kafka's jars are shared with BrokerBench, in bench/target/broker-bench/kafka-V),
 * and {@link #cleanerBrokerOptions} the same with the log cleaner settings of the compaction phase added.
 *
 * @param seconds                  measured length of the transactional produce phase
 * @param warmupSeconds            unmeasured transactional produce + read_committed consume after each broker start
 * @param producers                transactional producers, each its own thread and transactional.id
 * @param transactionRecords       sends per transaction
 * @param recordBytes              record value size (transactions and the compacted topic alike)
 * @param partitions               partitions of the transactional topic
 * @param cleanerBytes             record value bytes produced into the compacted topic
 * @param cleanerKeys              distinct keys they are spread over (round robin)
 * @param cleanerSegmentBytes      segment.bytes of the compacted topic (only closed segments are cleaned)
 * @param cleanerMaxBytesPerSecond ailurus.log-cleaner.max-bytes-per-second of the compaction phase, as HOCON reads it
 * @param cleanerBackoffMs         pause of either broker's cleaner between two rounds in the compaction phase
 * @param brokers                  which brokers run, in this order
 * @param cleanerBrokers           which of them also run the compaction phase
 * @param baseDir                  logs, configs and data directories of this benchmark, results.md
 * @param brokerOptions            BrokerBench's options for the transaction phases (brokers at their defaults)
 * @param cleanerBrokerOptions     BrokerBench's options for the compaction phase (cleaner settings added)
 */
record TxnBenchOptions(double seconds, double warmupSeconds, int producers, int transactionRecords, int recordBytes,
        int partitions, long cleanerBytes, int cleanerKeys, long cleanerSegmentBytes, String cleanerMaxBytesPerSecond,
        long cleanerBackoffMs, List<BrokerKind> brokers, List<BrokerKind> cleanerBrokers, Path baseDir,
        BrokerBenchOptions brokerOptions, BrokerBenchOptions cleanerBrokerOptions) {

    static final String USAGE = """
            Usage: TxnBench [flags]
              --seconds S                     measured transactional produce                 default 60
              --warmup-seconds S              unmeasured produce + consume per broker start  default 10
              --producers N                   transactional producers (distinct ids)         default 2
              --transaction-records N         sends per transaction                          default 100
              --record-bytes N                record value size                              default 1024
              --partitions N                  partitions of the transactional topic          default 6
              --cleaner-bytes N               bytes produced into the compacted topic (k, m) default 64m
              --cleaner-keys N                distinct keys of the compacted topic           default 10000
              --cleaner-segment-bytes N       segment.bytes of the compacted topic           default 8m
              --cleaner-max-bytes-per-second V  ailurus.log-cleaner.max-bytes-per-second    default 1GiB
                                              in the compaction phase (the node's default is 32MiB)
              --cleaner-backoff-ms MS         cleaner pause between rounds, both brokers     default 100
                                              (ailurus.log-cleaner.backoff, log.cleaner.backoff.ms)
              --brokers LIST                  brokers, in run order                          default ailurus,kafka
              --cleaner-brokers LIST          brokers that run the compaction phase, or none default: --brokers
              --dir PATH                      logs, configs, data dirs, results.md           default bench/target/txn-bench
              --no-sync                       do not run sync(1) before each measured phase
            Broker launch (as BrokerBench's flags of the same name):
              --ailurus-home PATH, --kafka-version V, --kafka-lib DIR, --mvn PATH, --broker-heap SIZE (default 1g),
              --jfr, --ailurus-jvm-opts "...", --kafka-jvm-opts "..."
              Kafka's jars are resolved (once) where BrokerBench keeps them, bench/target/broker-bench/kafka-V/lib.
            """;

    static TxnBenchOptions parse(final String[] args) {
        double seconds = 60;
        double warmup = 10;
        int producers = 2;
        int transactionRecords = 100;
        String recordBytes = "1024";
        int partitions = 6;
        long cleanerBytes = 64 * Sizes.MIB;
        int cleanerKeys = 10_000;
        long segmentBytes = 8 * Sizes.MIB;
        String cleanerRate = "1GiB";
        long backoffMs = 100;
        String brokers = "ailurus,kafka";
        String cleanerBrokers = null;
        Path dir = null;
        String ailurusOpts = "";
        String kafkaOpts = "";
        final List<String> launch = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            switch (flag) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                case "--jfr", "--no-sync" -> launch.add(flag);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
                    }
                    final String value = args[++i];
                    switch (flag) {
                        case "--seconds" -> seconds = Double.parseDouble(value);
                        case "--warmup-seconds" -> warmup = Double.parseDouble(value);
                        case "--producers" -> producers = Integer.parseInt(value);
                        case "--transaction-records" -> transactionRecords = Integer.parseInt(value);
                        case "--record-bytes" -> recordBytes = value;
                        case "--partitions" -> partitions = Integer.parseInt(value);
                        case "--cleaner-bytes" -> cleanerBytes = Sizes.parse(value);
                        case "--cleaner-keys" -> cleanerKeys = Integer.parseInt(value);
                        case "--cleaner-segment-bytes" -> segmentBytes = Sizes.parse(value);
                        case "--cleaner-max-bytes-per-second" -> cleanerRate = value.trim();
                        case "--cleaner-backoff-ms" -> backoffMs = Long.parseLong(value);
                        case "--brokers" -> brokers = value;
                        case "--cleaner-brokers" -> cleanerBrokers = value;
                        case "--dir" -> dir = Path.of(value);
                        case "--ailurus-jvm-opts" -> ailurusOpts = value;
                        case "--kafka-jvm-opts" -> kafkaOpts = value;
                        case "--ailurus-home", "--kafka-version", "--kafka-lib", "--mvn", "--broker-heap" -> {
                            launch.add(flag);
                            launch.add(value);
                        }
                        default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
                    }
                }
            }
        }
        if (seconds <= 0 || warmup < 0 || producers <= 0 || transactionRecords <= 0 || partitions <= 0
                || cleanerBytes <= 0 || cleanerKeys <= 0 || segmentBytes <= 0 || backoffMs < 0
                || cleanerRate.isEmpty() || cleanerRate.contains(" ")) {
            throw new IllegalArgumentException("counts, sizes and times must be positive\n" + USAGE);
        }
        // BrokerBench's own parser checks the sizes and the broker names and knows where Kafka's jars go. Its
        // consumer reads what the transactions committed, and nothing else: read_committed.
        final List<String> common = new ArrayList<>(launch);
        common.addAll(List.of("--record-bytes", recordBytes, "--acks", "all",
                "--partitions", Integer.toString(partitions), "--brokers", brokers,
                "--consumer-prop", "isolation.level=read_committed", "--kafka-jvm-opts", kafkaOpts));
        final List<String> txnArgs = new ArrayList<>(common);
        txnArgs.addAll(List.of("--ailurus-jvm-opts", ailurusOpts));
        final BrokerBenchOptions txn = BrokerBenchOptions.parse(txnArgs.toArray(String[]::new));
        final List<String> cleanerArgs = new ArrayList<>(common);
        cleanerArgs.addAll(List.of("--ailurus-jvm-opts", (ailurusOpts
                        + " -Dailurus.log-cleaner.max-bytes-per-second=" + cleanerRate
                        + " -Dailurus.log-cleaner.backoff=" + backoffMs + "ms").trim(),
                "--kafka-server-prop", "log.cleaner.backoff.ms=" + backoffMs));
        final BrokerBenchOptions cleaner = BrokerBenchOptions.parse(cleanerArgs.toArray(String[]::new));
        if (txn.brokers().contains(BrokerKind.KAFKA_FSYNC)) {
            throw new IllegalArgumentException("--brokers: TxnBench runs ailurus and kafka only\n" + USAGE);
        }
        final List<BrokerKind> cleanerKinds = cleanerBrokers == null ? txn.brokers()
                : cleanerBrokers.trim().toLowerCase(Locale.ROOT).equals("none") ? List.of()
                : Arrays.stream(cleanerBrokers.split(",")).map(BrokerKind::parse).toList();
        if (!txn.brokers().containsAll(cleanerKinds)) {
            throw new IllegalArgumentException("--cleaner-brokers must be among --brokers\n" + USAGE);
        }
        return new TxnBenchOptions(seconds, warmup, producers, transactionRecords, txn.recordBytes(), partitions,
                cleanerBytes, cleanerKeys, segmentBytes, cleanerRate, backoffMs, txn.brokers(), cleanerKinds,
                (dir != null ? dir : BrokerBenchOptions.benchTarget().resolve("txn-bench")).toAbsolutePath(),
                txn, cleaner);
    }

    String describeTransactions() {
        return String.format("%d transactional producer(s), transactions of %d x %d-byte records, acks=all, topic of "
                        + "%d partitions; %.0f s measured after %.0f s warm-up; then read_committed consume of it all",
                producers, transactionRecords, recordBytes, partitions, seconds, warmupSeconds);
    }

    String describeCleaner() {
        return String.format("%,.0f MiB over %,d keys into 1 partition, segment.bytes %,.0f MiB, "
                        + "min.cleanable.dirty.ratio 0.01; ailurus.log-cleaner.max-bytes-per-second=%s, cleaner backoff "
                        + "%d ms on both (Kafka: io.max.bytes.per.second unlimited, its default); on %s",
                Sizes.mib(cleanerBytes), cleanerKeys, Sizes.mib(cleanerSegmentBytes), cleanerMaxBytesPerSecond,
                cleanerBackoffMs, cleanerBrokers.isEmpty() ? "no broker"
                        : cleanerBrokers.stream().map(BrokerKind::label).toList());
    }
}
