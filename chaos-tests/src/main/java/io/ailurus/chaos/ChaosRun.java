package io.ailurus.chaos;

import io.ailurus.chaos.checker.BrokerEvidence;
import io.ailurus.chaos.cluster.BrokerEvidenceCollector;
import io.ailurus.chaos.checker.Checker;
import io.ailurus.chaos.checker.Verdict;
import io.ailurus.chaos.cluster.ClusterUnderTest;
import io.ailurus.chaos.cluster.NetworkNamespaces;
import io.ailurus.chaos.cluster.NodeLauncher;
import io.ailurus.chaos.cluster.NodeSpec;
import io.ailurus.chaos.history.History;
import io.ailurus.chaos.history.HistoryRecorder;
import io.ailurus.chaos.nemesis.Fault;
import io.ailurus.chaos.nemesis.Nemesis;
import io.ailurus.chaos.nemesis.Schedule;
import io.ailurus.chaos.report.Plots;
import io.ailurus.chaos.report.ResultsWriter;
import io.ailurus.chaos.report.RunSummary;
import io.ailurus.chaos.report.TierSummary;
import io.ailurus.chaos.report.TxnSummary;
import io.ailurus.chaos.tier.BucketCheck;
import io.ailurus.chaos.tier.S3UnderTest;
import io.ailurus.chaos.tier.TierProbe;
import io.ailurus.chaos.transform.TransformProbe;
import io.ailurus.chaos.txn.TxnWorkload;
import io.ailurus.chaos.workload.FinalReader;
import io.ailurus.chaos.workload.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One chaos run, start to verdict: brokers up, topic created, workload started, the nemesis plays its seeded schedule,
 * everything healed, a recovery period, the final read, the checker, the report. Everything it starts it stops, in
 * a finally block and in a shutdown hook (namespaces included), whatever happens.
 */
public final class ChaosRun {

    private static final String TOPIC = "chaos";
    private static final int FINAL_READER_PROCESS = 1_000_000;
    /** The object-store track's seed is the run's XOR this ("S3"). */
    static final long BUCKET_TRACK_SALT = 0x5333;
    /** The run directory's copy of the bucket (tiered mode), deleted with the data directories of a valid run. */
    private static final String BUCKET_COPY = "bucket";

    private final ChaosProfile profile;
    private final long seed;
    private final Path runDir;

    public ChaosRun(final ChaosProfile profile, final long seed, final Path runDir) {
        this.profile = profile;
        this.seed = seed;
        this.runDir = runDir;
    }

    /** The seed from {@code chaos.seed}, else a fresh one (printed in the report, so the run can be replayed). */
    public static long seedFromSystemProperties() {
        final String s = System.getProperty("chaos.seed", "");
        return s.isBlank() ? System.currentTimeMillis() : Long.parseLong(s.strip());
    }

    /** {@code <chaos.report-dir or target/chaos-reports>/<profile>-<time>-<seed>}. */
    public static Path runDirFromSystemProperties(final ChaosProfile profile, final long seed) throws IOException {
        final String base = System.getProperty("chaos.report-dir", "");
        final Path root = base.isBlank() ? Path.of("target", "chaos-reports") : Path.of(base);
        final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Files.createDirectories(root.resolve(profile.name() + "-" + stamp + "-" + seed)).toAbsolutePath();
    }

    /**
     * Which faults this run plays: those this machine and cluster size allow (object-store faults in tiered mode
     * only), of the profile's kinds, narrowed by {@code chaos.faults}.
     */
    public static List<Fault.Kind> availableKinds(final ChaosProfile profile, final boolean namespaces) {
        final List<Fault.Kind> kinds = new ArrayList<>(List.of(Fault.Kind.KILL_ONE, Fault.Kind.KILL_MAJORITY,
                Fault.Kind.PAUSE_ONE, Fault.Kind.POWER_LOSS));
        if (namespaces && profile.nodes() >= 2) {
            kinds.addAll(List.of(Fault.Kind.ISOLATE_ONE, Fault.Kind.ISOLATE_LEADER, Fault.Kind.SPLIT));
            if (profile.nodes() >= 3) {
                kinds.add(Fault.Kind.RING);
            }
        }
        if (profile.isTiered()) {
            kinds.addAll(List.of(Fault.Kind.S3_UNAVAILABLE, Fault.Kind.S3_SLOW));
        }
        kinds.retainAll(profile.kinds());
        // chaos.faults: "none", or a comma list of kinds (kill_one,pause_one,...) to narrow the run down.
        final String only = System.getProperty("chaos.faults", "").strip().toUpperCase(java.util.Locale.ROOT);
        if (!only.isEmpty()) {
            final List<String> wanted = List.of(only.split("\\s*,\\s*"));
            kinds.removeIf(k -> !wanted.contains(k.name()));
        }
        return kinds;
    }

    public RunSummary run() throws IOException, InterruptedException {
        final long startNs = System.nanoTime();
        final boolean root = NetworkNamespaces.supported();
        final boolean wantNamespaces = switch (profile.netns()) {
            case "on" -> true;
            case "off" -> false;
            default -> profile.nodes() >= 2;
        };
        final boolean namespaces = wantNamespaces && root;
        final String networkMode = namespaces
                ? "network namespaces + bridge (partitions are dropped packets)"
                : "loopback ports, process faults only (" + (!wantNamespaces
                        ? "single node: partitions need >= 2 nodes" : "not root or no iproute2: no namespaces") + ")";
        final List<Fault.Kind> kinds = availableKinds(profile, namespaces);
        final List<Fault.Kind> nodeKinds = kinds.stream().filter(k -> !k.objectStore()).toList();
        final List<Fault.Kind> bucketKinds = kinds.stream().filter(Fault.Kind::objectStore).toList();
        final long warmupMs = profile.warmup().toMillis();
        final long phaseEndMs = warmupMs + profile.faultPhase().toMillis();
        final Schedule schedule = Schedule.generate(seed, nodeKinds, profile.nodes(), new Schedule.Timing(warmupMs,
                phaseEndMs, profile.minFault().toMillis(), profile.maxFault().toMillis(),
                profile.minGap().toMillis(), profile.maxGap().toMillis()));
        final ChaosProfile.Tiering tiering = profile.tiering();
        // The object-store faults play a track of their own that overlaps the node faults (the bucket can fail while
        // a leader dies); its seed is derived from the run's, so one seed still replays the whole run.
        final Schedule bucketSchedule = tiering == null ? new Schedule(seed, List.of())
                : Schedule.generate(seed ^ BUCKET_TRACK_SALT, bucketKinds, profile.nodes(), new Schedule.Timing(
                        warmupMs, phaseEndMs, tiering.minFault().toMillis(), tiering.maxFault().toMillis(),
                        tiering.minGap().toMillis(), tiering.maxGap().toMillis()));
        schedule.write(runDir.resolve("schedule.txt"), "# profile=" + profile + "\n# kinds=" + kinds
                + "\n# the same seed and profile give the same schedule");
        if (tiering != null) {
            Files.writeString(runDir.resolve("schedule.txt"), "\n# object-store track (overlaps the node faults; "
                    + "seed = run seed ^ " + BUCKET_TRACK_SALT + ")\n" + bucketSchedule.render(),
                    java.nio.file.StandardOpenOption.APPEND);
        }

        final String tag = Long.toHexString((seed ^ ProcessHandle.current().pid()) & 0xffff);
        final S3UnderTest s3 = tiering == null ? null : S3UnderTest.start();
        final AtomicReference<String> s3Endpoint = new AtomicReference<>("");
        final ClusterUnderTest cluster;
        try {
            final NodeLauncher base = NodeLauncher.fromThisJvm();
            cluster = ClusterUnderTest.create(profile.nodes(), runDir, namespaces, true, harnessHost -> {
                if (s3 == null) {
                    return base;
                }
                s3Endpoint.set(s3.endpointFor(harnessHost));
                return base.withTieredStorage(new NodeLauncher.Tiered(s3Endpoint.get(), S3UnderTest.BUCKET,
                        tiering.uploadInterval(), tiering.callTimeout()));
            }, tag, startNs);
        } catch (IOException | RuntimeException e) {
            if (s3 != null) {
                s3.close();
            }
            throw e;
        }
        final AtomicBoolean closed = new AtomicBoolean();
        final Runnable closeAll = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    cluster.close();
                } finally {
                    if (s3 != null) {
                        s3.close();
                    }
                }
            }
        };
        final Thread cleanup = new Thread(closeAll, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (HistoryRecorder history = new HistoryRecorder(runDir.resolve("history.jsonl"), startNs)) {
            log("starting " + profile.nodes() + " node(s); " + networkMode
                    + (s3 == null ? "" : "; tiered storage, bucket at " + s3Endpoint.get()));
            cluster.startAll();
            final Workload workload = new Workload(cluster.bootstrap(), TOPIC, profile.partitions(),
                    Math.min(3, profile.nodes()), profile.producers(), profile.assignConsumers(),
                    profile.subscribeConsumers(), profile.rate(), profile.idempotent(), seed,
                    tiering == null ? Map.of() : tiering.topicConfigs(), tiering == null ? 0 : tiering.replayConsumers(),
                    tiering == null ? null : tiering.replayEvery());
            workload.createTopic(java.time.Duration.ofSeconds(60));
            // On unless -Dchaos.transform=false; never in tiered mode: a transform reads the local log only, and
            // there most input is soon in the bucket.
            final boolean transform = tiering == null
                    && Boolean.parseBoolean(System.getProperty("chaos.transform", "true").strip());
            if (transform) {
                TransformProbe.deploy(cluster, TOPIC, profile.partitions(), Math.min(3, profile.nodes()),
                        java.time.Duration.ofSeconds(90));
                log("transform deployed: " + TOPIC + " -> " + TransformProbe.outputOf(TOPIC));
            }
            // On unless -Dchaos.txn=false; not in tiered mode, whose runs are about the tier (its topics would not be
            // tiered) and are kept short.
            final TxnWorkload txn = tiering == null
                    && Boolean.parseBoolean(System.getProperty("chaos.txn", "true").strip())
                    ? new TxnWorkload(cluster.bootstrap(), TOPIC, profile.partitions(), Math.min(3, profile.nodes()),
                            seed)
                    : null;
            if (txn != null) {
                txn.createTopics(java.time.Duration.ofSeconds(60));
            }
            final long workloadStartNs = history.nowNs();
            final Workload.Running running = workload.start(history);
            final TxnWorkload.Running txnRunning = txn == null ? null : txn.start(history);
            if (txn != null) {
                log("transactional workload running: " + TxnWorkload.PRODUCERS + " producers to " + txn.topic()
                        + ", copy loop to " + txn.output());
            }
            log("workload running; " + schedule.steps().size() + " faults scheduled"
                    + (tiering == null ? "" : " and " + bucketSchedule.steps().size() + " object-store faults")
                    + " (seed " + seed + ")");

            final List<Nemesis> nemeses = new ArrayList<>();
            nemeses.add(new Nemesis(cluster, schedule, () -> history.nowNs() - workloadStartNs,
                    workload::leaderOfPartitionZero, s3));
            if (!bucketSchedule.steps().isEmpty()) {
                nemeses.add(new Nemesis(cluster, bucketSchedule, () -> history.nowNs() - workloadStartNs,
                        workload::leaderOfPartitionZero, s3));
            }
            final List<Thread> nemesisThreads = new ArrayList<>();
            for (int i = 0; i < nemeses.size(); i++) {
                final Thread t = new Thread(nemeses.get(i), i == 0 ? "chaos-nemesis" : "chaos-nemesis-bucket");
                nemesisThreads.add(t);
                t.start();
            }
            // Heals (restarts) stretch the schedule; past this bound the rest of it is dropped.
            final long joinDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(phaseEndMs + 90_000);
            for (final Thread t : nemesisThreads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadlineNs - System.nanoTime())));
            }
            // The fault phase lasts as planned even when the schedule ended early (or was empty).
            final long leftMs = phaseEndMs - TimeUnit.NANOSECONDS.toMillis(history.nowNs() - workloadStartNs);
            if (leftMs > 0) {
                Thread.sleep(leftMs);
            }
            nemeses.forEach(Nemesis::stop);
            for (final Thread t : nemesisThreads) {
                t.join(TimeUnit.MINUTES.toMillis(3));
            }
            nemeses.get(0).healAll();
            log("faults over (" + nemeses.stream().mapToInt(n -> n.windows().size()).sum() + " injected); recovering");
            Thread.sleep(profile.recovery().toMillis());
            running.stop();
            if (txnRunning != null) {
                txnRunning.stopProducers();
            }

            final List<String> tierProblems = new ArrayList<>();
            final Map<Integer, TierSummary.Share> shares = tiering == null ? Map.of()
                    : TierProbe.shares(cluster.bootstrap(), TOPIC, profile.partitions(),
                            java.time.Duration.ofSeconds(30), tierProblems);
            log("final read");
            final int requestsBefore = s3 == null ? 0 : s3.requests();
            final FinalReader.Outcome finalRead = FinalReader.read(cluster.bootstrap(), TOPIC, profile.partitions(),
                    history, FINAL_READER_PROCESS, profile.finalReadLimit());
            final int requestsAfter = s3 == null ? 0 : s3.requests();
            final Optional<io.ailurus.chaos.report.TransformSummary> transformed = transform
                    ? Optional.of(TransformProbe.check(cluster.bootstrap(), TOPIC, profile.partitions(),
                            history.history(), java.time.Duration.ofSeconds(90)))
                    : Optional.empty();
            final List<String> tierStatus = tiering == null ? List.of()
                    : TierProbe.status(cluster, TOPIC, profile.partitions(), tierProblems);
            if (txnRunning != null) {
                log("transactional workload: final reads and drain");
            }
            final TxnWorkload.Finish txnFinish = txnRunning == null ? null : txnRunning.finish(history);
            final History h = history.history();
            // Windows were timed from the workload's start; the history from the run's.
            final var windows = nemeses.stream().flatMap(n -> n.windows().stream())
                    .sorted(Comparator.comparingLong(io.ailurus.chaos.nemesis.FaultWindow::startNs))
                    .map(w -> new io.ailurus.chaos.nemesis.FaultWindow(w.fault(), w.startNs() + workloadStartNs,
                            w.endNs() + workloadStartNs, w.note())).toList();
            final List<String> nemesisProblems = nemeses.stream().flatMap(n -> n.problems().stream()).toList();
            final List<String> evidenceProblems = new ArrayList<>();
            final BrokerEvidence evidence = BrokerEvidenceCollector.collect(cluster, TOPIC, profile.partitions(),
                    nodeLogs(cluster), evidenceProblems);
            evidenceProblems.forEach(ChaosRun::log);
            final Verdict verdict = new Checker().check(h, evidence, profile.idempotent());
            // The brokers go before the bucket is copied: with no writer left, its listing and manifests agree.
            cluster.close();
            final Optional<TierSummary> tier = tiering == null ? Optional.empty() : Optional.of(new TierSummary(
                    s3Endpoint.get(), tierSettings(tiering), requestsAfter, s3.faultsInjected(),
                    requestsAfter - requestsBefore, shares, tierStatus, copyBucket(s3, tierProblems), tierProblems));
            final Optional<TxnSummary> txnSummary = txn == null ? Optional.empty()
                    : Optional.of(txn.summary(h, verdict, txnFinish));
            final RunSummary summary = new RunSummary(profile.name(), seed, profile.nodes(), networkMode, h, windows,
                    nemesisProblems, finalRead, verdict, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
                    gcSummary(cluster), tier, transformed, txnSummary);
            ResultsWriter.write(summary, runDir.resolve("results.txt"));
            Plots.throughput(h, windows, runDir.resolve("throughput.png"));
            Plots.latency(h, windows, runDir.resolve("latency.png"));
            log("report in " + runDir + "\n" + ResultsWriter.render(summary));
            return summary;
        } finally {
            closeAll.run();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** Copies the bucket into the run directory (kept when the run is invalid) and checks it against its manifests. */
    private List<String> copyBucket(final S3UnderTest s3, final List<String> problems) {
        try {
            final Path copy = Files.createDirectories(runDir.resolve(BUCKET_COPY));
            return BucketCheck.check(copy, s3.snapshotTo(copy), TOPIC, profile.partitions(), problems);
        } catch (IOException e) {
            problems.add("could not copy the bucket: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    private static String tierSettings(final ChaosProfile.Tiering t) {
        return "topic " + new java.util.TreeMap<>(t.topicConfigs()) + "; nodes: upload interval "
                + t.uploadInterval().toSeconds() + " s, object-store call timeout " + t.callTimeout().toSeconds()
                + " s, retention check every 1 s; " + t.replayConsumers()
                + " replay consumer(s) back to offset 0 every " + t.replayEvery().toSeconds() + " s";
    }

    private static Map<Integer, List<String>> nodeLogs(final ClusterUnderTest cluster) throws IOException {
        final Map<Integer, List<String>> logs = new HashMap<>();
        for (final var node : cluster.nodes()) {
            final NodeSpec spec = node.spec();
            logs.put(spec.id(), Files.exists(spec.logFile())
                    ? Files.readAllLines(spec.logFile(), StandardCharsets.ISO_8859_1) : List.of());
        }
        return logs;
    }

    /** Full GCs per node from the GC logs: a broker that thrashes its heap shows up here before anywhere else. */
    private static List<String> gcSummary(final ClusterUnderTest cluster) throws IOException {
        final List<String> out = new ArrayList<>();
        for (final var node : cluster.nodes()) {
            final Path dir = node.spec().logFile().getParent();
            final String prefix = node.spec().logFile().getFileName() + ".gc-";
            int full = 0;
            double fullMs = 0;
            try (Stream<Path> files = Files.list(dir)) {
                for (final Path gc : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                    for (final String line : Files.readAllLines(gc, StandardCharsets.ISO_8859_1)) {
                        if (line.contains("Pause Full") && line.endsWith("ms")) {
                            full++;
                            fullMs += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1, line.length() - 2));
                        }
                    }
                }
            }
            out.add(String.format("node %d: %d full GCs, %.1f s in full-GC pauses (logs %s*)", node.id(), full,
                    fullMs / 1000, prefix));
        }
        return out;
    }

    /** Deletes the nodes' data directories and the bucket's copy (kept when the run failed, for a post-mortem). */
    public void deleteDataDirs() throws IOException {
        try (Stream<Path> nodes = Files.list(runDir)) {
            for (final Path dir : nodes.filter(p -> p.getFileName().toString().matches("node\\d+|" + BUCKET_COPY)
                    && Files.isDirectory(p)).toList()) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (final Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private static void log(final String message) {
        System.out.println("[chaos " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME) + "] " + message);
    }

    /**
     * {@code java -cp <chaos-tests + broker classpath> io.ailurus.chaos.ChaosRun [ci|soak|tiered-ci|tiered-soak]};
     * exit 1 when invalid.
     */
    public static void main(final String[] args) throws Exception {
        final ChaosProfile base = switch (args.length > 0 ? args[0] : "ci") {
            case "soak" -> ChaosProfile.soak();
            case "tiered-ci" -> ChaosProfile.tieredCi();
            case "tiered-soak" -> ChaosProfile.tieredSoak();
            default -> ChaosProfile.ci();
        };
        final ChaosProfile profile = base.withSystemProperties();
        final long seed = seedFromSystemProperties();
        final ChaosRun run = new ChaosRun(profile, seed, runDirFromSystemProperties(profile, seed));
        final RunSummary summary = run.run();
        if (summary.verdict().valid()) {
            run.deleteDataDirs();
        }
        System.exit(summary.verdict().valid() ? 0 : 1);
    }
}
