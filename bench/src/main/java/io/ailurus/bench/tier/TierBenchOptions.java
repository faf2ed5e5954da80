package io.ailurus.bench.tier;

import io.ailurus.bench.broker.Sizes;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags of {@link TierBench}. {@code --quick} changes the defaults of the budgets; a flag given explicitly
 * wins over either set of defaults, whatever the order.
 *
 * @param args                    the command line as given (printed with the results)
 * @param produceSeconds          length of each measured produce run
 * @param produceRounds           rounds of (tiering on, tiering off) produce runs, alternating which goes first
 * @param warmupSeconds           unmeasured produce (and consume) after the broker started
 * @param topicBytes              record-value bytes produced to each of the two read topics
 * @param partitions              partitions of every topic
 * @param segmentBytes            {@code segment.bytes} of every topic
 * @param produceLocalRetention   {@code local.retention.bytes} of the tiered produce topic (-1: its retention.bytes)
 * @param recordBytes             record value size
 * @param chunkBytes              {@code ailurus.tiered-storage.cache.chunk-bytes}, and the size of the raw ranged GETs
 * @param cacheBytes              {@code ailurus.tiered-storage.cache.max-bytes}
 * @param rawConcurrency          ranged GETs in flight at once in the raw GET measurement
 * @param probes                  time-to-first-record probes per kind (cold remote, warm remote, local)
 * @param probeWarmup             unmeasured probes before them (on another tiered topic)
 * @param readWarmupSeconds       unmeasured reads from the bucket (broker and raw) before the measured reads
 * @param uploadInterval          {@code --tiered-storage-upload-interval} (HOCON duration)
 * @param retentionCheckInterval  {@code ailurus.log.retention-check-interval} (HOCON duration)
 * @param drainSeconds            longest wait for the bucket to catch up with a topic
 * @param baseDir                 logs, config, results, the broker's data directory
 * @param s3Dir                   where the S3 server keeps its objects (a fresh directory is made under it)
 * @param ailurusHome             the repository root (ailurus runs from broker/target there)
 * @param brokerHeap              -Xmx of the broker JVM
 * @param s3Heap                  -Xmx of the S3 server JVM
 * @param jfr                     record the broker JVM with JFR (one file per start) into baseDir
 * @param threadCpu               print the broker's and the S3 server's CPU time by thread for each measured phase
 * @param ailurusJvmOpts          extra JVM flags for the broker
 * @param producerProps           extra producer properties
 * @param consumerProps           extra consumer properties
 * @param seed                    seed of the probe offsets
 * @param phases                  which parts run: produce, read (raw GETs and the reads), probe (time to first record)
 */
public record TierBenchOptions(List<String> args, double produceSeconds, int produceRounds, double warmupSeconds,
        long topicBytes, int partitions, long segmentBytes, long produceLocalRetention, int recordBytes, int chunkBytes, long cacheBytes,
        int rawConcurrency, int probes, int probeWarmup, double readWarmupSeconds, String uploadInterval,
        String retentionCheckInterval, double drainSeconds, Path baseDir, Path s3Dir, Path ailurusHome,
        String brokerHeap, String s3Heap, boolean jfr, boolean threadCpu, List<String> ailurusJvmOpts,
        Map<String, String> producerProps, Map<String, String> consumerProps, long seed, java.util.Set<String> phases) {

    static final String USAGE = """
            Usage: TierBench [--quick] [flags]
              --quick                      smoke run: 1 round of 8 s produce runs, 128m topics, 20 probes, 3 s warm-ups
              --produce-seconds S          length of each measured produce run            default 15  (quick 8)
              --produce-rounds N           rounds of (tiering on, tiering off) runs       default 3   (quick 1)
              --warmup-seconds S           unmeasured produce after the broker started    default 10  (quick 3)
              --topic-mib N                MiB of record values in each read topic        default 256 (quick 128)
              --partitions N               partitions of every topic                      default 6
              --segment-bytes N            segment.bytes of every topic (k, m, g)         default 16m
              --produce-local-retention N  local.retention.bytes of the tiered produce    default 0
                                           topic (-1: as much as retention.bytes, so that a
                                           short run uploads but deletes nothing locally)
              --record-bytes N             record value size                              default 1024
              --chunk-bytes N              tier cache chunk size = raw GET size           default 1m
              --cache-bytes N              tier cache size                                default max(1g, 2 x topic)
              --raw-concurrency N          raw ranged GETs in flight                      default = partitions
              --probes N                   time-to-first-record probes per kind           default 50  (quick 20)
              --probe-warmup N             unmeasured probes before them                  default 10  (quick 5)
              --read-warmup-seconds S      unmeasured bucket reads before the measured    default 5   (quick 3)
              --upload-interval D          broker's --tiered-storage-upload-interval      default 2s
              --retention-check-interval D ailurus.log.retention-check-interval           default 1s
              --drain-seconds S            longest wait for the bucket to catch up        default 120
              --dir PATH                   logs, config, results, broker data             default bench/target/tier-bench
              --s3-dir PATH                the S3 server's object directory goes under    default /dev/shm if tmpfs, else --dir
              --ailurus-home PATH          repository root holding broker/target          default: found from this jar
              --broker-heap SIZE           -Xmx of the broker JVM                         default 1g
              --s3-heap SIZE               -Xmx of the S3 server JVM                      default 1g
              --jfr                        record the broker JVM with JFR into --dir (ailurus-<start>.jfr)
              --thread-cpu                 print broker and S3 server CPU by thread per measured phase (jcmd)
              --ailurus-jvm-opts "..."     extra JVM flags for the broker (space-separated)
              --producer-prop K=V          extra producer property (repeatable)
              --consumer-prop K=V          extra consumer property (repeatable)
              --seed N                     seed of the probe offsets                      default 42
              --phases LIST                which parts run: produce, read, probe           default produce,read,probe
            """;

    public static TierBenchOptions parse(final String[] args) {
        boolean quick = false;
        Double produceSeconds = null;
        Integer produceRounds = null;
        Double warmup = null;
        Long topicBytes = null;
        int partitions = 6;
        long segmentBytes = 16 * Sizes.MIB;
        long produceLocalRetention = 0;
        int recordBytes = 1024;
        int chunkBytes = (int) Sizes.MIB;
        Long cacheBytes = null;
        Integer rawConcurrency = null;
        Integer probes = null;
        Integer probeWarmup = null;
        Double readWarmup = null;
        String uploadInterval = "2s";
        String retentionCheck = "1s";
        double drain = 120;
        Path dir = null;
        Path s3Dir = null;
        Path home = null;
        String brokerHeap = "1g";
        String s3Heap = "1g";
        boolean jfr = false;
        boolean threadCpu = false;
        List<String> jvmOpts = List.of();
        final Map<String, String> producerProps = new LinkedHashMap<>();
        final Map<String, String> consumerProps = new LinkedHashMap<>();
        long seed = 42;
        java.util.Set<String> phases = PHASES;
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            switch (flag) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                case "--quick" -> quick = true;
                case "--jfr" -> jfr = true;
                case "--thread-cpu" -> threadCpu = true;
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
                    }
                    final String value = args[++i];
                    switch (flag) {
                        case "--produce-seconds" -> produceSeconds = Double.parseDouble(value);
                        case "--produce-rounds" -> produceRounds = Integer.parseInt(value);
                        case "--warmup-seconds" -> warmup = Double.parseDouble(value);
                        case "--topic-mib" -> topicBytes = Long.parseLong(value) * Sizes.MIB;
                        case "--partitions" -> partitions = Integer.parseInt(value);
                        case "--segment-bytes" -> segmentBytes = Sizes.parse(value);
                        case "--produce-local-retention" -> produceLocalRetention = value.trim().equals("-1") ? -1
                                : Sizes.parse(value);
                        case "--record-bytes" -> recordBytes = (int) Sizes.parse(value);
                        case "--chunk-bytes" -> chunkBytes = Math.toIntExact(Sizes.parse(value));
                        case "--cache-bytes" -> cacheBytes = Sizes.parse(value);
                        case "--raw-concurrency" -> rawConcurrency = Integer.parseInt(value);
                        case "--probes" -> probes = Integer.parseInt(value);
                        case "--probe-warmup" -> probeWarmup = Integer.parseInt(value);
                        case "--read-warmup-seconds" -> readWarmup = Double.parseDouble(value);
                        case "--upload-interval" -> uploadInterval = value;
                        case "--retention-check-interval" -> retentionCheck = value;
                        case "--drain-seconds" -> drain = Double.parseDouble(value);
                        case "--dir" -> dir = Path.of(value);
                        case "--s3-dir" -> s3Dir = Path.of(value);
                        case "--ailurus-home" -> home = Path.of(value);
                        case "--broker-heap" -> brokerHeap = value;
                        case "--s3-heap" -> s3Heap = value;
                        case "--ailurus-jvm-opts" -> jvmOpts = value.isBlank() ? List.of()
                                : List.of(value.trim().split("\\s+"));
                        case "--producer-prop" -> putProp(producerProps, value);
                        case "--consumer-prop" -> putProp(consumerProps, value);
                        case "--seed" -> seed = Long.parseLong(value);
                        case "--phases" -> phases = parsePhases(value);
                        default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
                    }
                }
            }
        }
        final long topic = topicBytes != null ? topicBytes : (quick ? 128 : 256) * Sizes.MIB;
        final Path base = (dir != null ? dir : benchTarget().resolve("tier-bench")).toAbsolutePath();
        final TierBenchOptions options = new TierBenchOptions(List.of(args),
                produceSeconds != null ? produceSeconds : quick ? 8 : 15,
                produceRounds != null ? produceRounds : quick ? 1 : 3,
                warmup != null ? warmup : quick ? 3 : 10,
                topic, partitions, segmentBytes, produceLocalRetention, recordBytes, chunkBytes,
                cacheBytes != null ? cacheBytes : Math.max(Sizes.GIB, 2 * topic),
                rawConcurrency != null ? rawConcurrency : partitions,
                probes != null ? probes : quick ? 20 : 50,
                probeWarmup != null ? probeWarmup : quick ? 5 : 10,
                readWarmup != null ? readWarmup : quick ? 3 : 5,
                uploadInterval, retentionCheck, drain, base,
                (s3Dir != null ? s3Dir : defaultS3Dir(base)).toAbsolutePath(),
                (home != null ? home : defaultHome()).toAbsolutePath().normalize(),
                brokerHeap, s3Heap, jfr, threadCpu, jvmOpts, Map.copyOf(producerProps), Map.copyOf(consumerProps), seed,
                phases);
        options.validate();
        return options;
    }

    static final java.util.Set<String> PHASES = java.util.Set.of("produce", "read", "probe");

    private static java.util.Set<String> parsePhases(final String value) {
        final java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (final String p : value.split(",")) {
            final String phase = p.trim().toLowerCase(java.util.Locale.ROOT);
            if (!PHASES.contains(phase)) {
                throw new IllegalArgumentException("unknown phase " + p + "; known: produce, read, probe\n" + USAGE);
            }
            out.add(phase);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--phases needs at least one of produce, read, probe");
        }
        return java.util.Set.copyOf(out);
    }

    boolean runs(final String phase) {
        return phases.contains(phase);
    }

    /** The flags for BrokerBench's producer: the same record size and producer properties. */
    String[] brokerBenchArgs() {
        final List<String> out = new ArrayList<>(List.of("--record-bytes", Integer.toString(recordBytes)));
        producerProps.forEach((k, v) -> {
            out.add("--producer-prop");
            out.add(k + "=" + v);
        });
        return out.toArray(String[]::new);
    }

    private void validate() {
        if (produceSeconds <= 0 || produceRounds <= 0 || warmupSeconds < 0 || topicBytes <= 0 || partitions <= 0
                || segmentBytes <= 0 || recordBytes <= 0 || chunkBytes <= 0 || cacheBytes <= 0 || rawConcurrency <= 0
                || probes <= 0 || probeWarmup < 0 || readWarmupSeconds < 0 || drainSeconds <= 0) {
            throw new IllegalArgumentException("sizes, counts and times must be positive\n" + USAGE);
        }
        if (cacheBytes < topicBytes + topicBytes / 4) {
            System.out.println("warning: --cache-bytes is smaller than the read topic (with its overhead): the warm "
                    + "read will miss the cache");
        }
    }

    private static void putProp(final Map<String, String> props, final String kv) {
        final int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE, got " + kv);
        }
        props.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    /**
     * /dev/shm when it is a tmpfs: the S3 server stands for a remote object store, so its writes should not land on
     * the broker's disk (they would compete with the broker's fsyncs, which a real bucket never does). Otherwise the
     * run directory.
     */
    private static Path defaultS3Dir(final Path base) {
        final Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm)) {
                final FileStore store = Files.getFileStore(shm);
                if ("tmpfs".equals(store.type()) && store.getUsableSpace() > 4 * Sizes.GIB) {
                    return shm;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall back to the run directory
        }
        return base;
    }

    /** bench/target: the parent of bench/target/classes or of the bench jar, whatever the working directory. */
    static Path benchTarget() {
        try {
            return Path.of(TierBenchOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target").toAbsolutePath();
        }
    }

    private static Path defaultHome() {
        final Path target = benchTarget();
        return target.getParent() != null && target.getParent().getParent() != null
                ? target.getParent().getParent() : Path.of(".");
    }
}
