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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One chaos run, start to verdict: brokers up, topic created, workload started, the nemesis plays its seeded schedule,
 * everything healed, a recovery period, the final read, the checker, the report. Everything it starts it stops, in
 * a finally block and in a shutdown hook (namespaces included), whatever happens.
 */
public final class ChaosRun {

    private static final String TOPIC = "chaos";
    private static final int FINAL_READER_PROCESS = 1_000_000;

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

    /** Which faults this machine and cluster size allow. */
    static List<Fault.Kind> availableKinds(final int nodes, final boolean namespaces) {
        final List<Fault.Kind> kinds = new ArrayList<>(List.of(Fault.Kind.KILL_ONE, Fault.Kind.KILL_MAJORITY,
                Fault.Kind.PAUSE_ONE, Fault.Kind.POWER_LOSS));
        if (namespaces && nodes >= 2) {
            kinds.addAll(List.of(Fault.Kind.ISOLATE_ONE, Fault.Kind.ISOLATE_LEADER, Fault.Kind.SPLIT));
            if (nodes >= 3) {
                kinds.add(Fault.Kind.RING);
            }
        }
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
        final List<Fault.Kind> kinds = availableKinds(profile.nodes(), namespaces);
        final long warmupMs = profile.warmup().toMillis();
        final Schedule schedule = Schedule.generate(seed, kinds, profile.nodes(), new Schedule.Timing(warmupMs,
                warmupMs + profile.faultPhase().toMillis(), profile.minFault().toMillis(), profile.maxFault().toMillis(),
                profile.minGap().toMillis(), profile.maxGap().toMillis()));
        schedule.write(runDir.resolve("schedule.txt"), "# profile=" + profile + "\n# kinds=" + kinds
                + "\n# the same seed and profile give the same schedule");

        final String tag = Long.toHexString((seed ^ ProcessHandle.current().pid()) & 0xffff);
        final ClusterUnderTest cluster = ClusterUnderTest.create(profile.nodes(), runDir, namespaces, true,
                NodeLauncher.fromThisJvm(), tag, startNs);
        final Thread cleanup = new Thread(cluster::close, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (HistoryRecorder history = new HistoryRecorder(runDir.resolve("history.jsonl"), startNs)) {
            log("starting " + profile.nodes() + " node(s); " + networkMode);
            cluster.startAll();
            final Workload workload = new Workload(cluster.bootstrap(), TOPIC, profile.partitions(),
                    Math.min(3, profile.nodes()), profile.producers(), profile.assignConsumers(),
                    profile.subscribeConsumers(), profile.rate(), profile.idempotent(), seed);
            workload.createTopic(java.time.Duration.ofSeconds(60));
            final long workloadStartNs = history.nowNs();
            final Workload.Running running = workload.start(history);
            log("workload running; " + schedule.steps().size() + " faults scheduled (seed " + seed + ")");

            final Nemesis nemesis = new Nemesis(cluster, schedule, () -> history.nowNs() - workloadStartNs,
                    workload::leaderOfPartitionZero);
            final Thread nemesisThread = new Thread(nemesis, "chaos-nemesis");
            nemesisThread.start();
            final long phaseEndMs = warmupMs + profile.faultPhase().toMillis();
            // Heals (restarts) stretch the schedule; past this bound the rest of it is dropped.
            nemesisThread.join(phaseEndMs + TimeUnit.SECONDS.toMillis(90));
            // The fault phase lasts as planned even when the schedule ended early (or was empty).
            final long leftMs = phaseEndMs - TimeUnit.NANOSECONDS.toMillis(history.nowNs() - workloadStartNs);
            if (leftMs > 0) {
                Thread.sleep(leftMs);
            }
            nemesis.stop();
            nemesisThread.join(TimeUnit.MINUTES.toMillis(3));
            nemesis.healAll();
            log("faults over (" + nemesis.windows().size() + " injected); recovering");
            Thread.sleep(profile.recovery().toMillis());
            running.stop();

            log("final read");
            final FinalReader.Outcome finalRead = FinalReader.read(cluster.bootstrap(), TOPIC, profile.partitions(),
                    history, FINAL_READER_PROCESS, profile.finalReadLimit());
            final History h = history.history();
            // Windows were timed from the workload's start; the history from the run's.
            final var windows = nemesis.windows().stream().map(w -> new io.ailurus.chaos.nemesis.FaultWindow(w.fault(),
                    w.startNs() + workloadStartNs, w.endNs() + workloadStartNs, w.note())).toList();
            final List<String> evidenceProblems = new ArrayList<>();
            final BrokerEvidence evidence = BrokerEvidenceCollector.collect(cluster, TOPIC, profile.partitions(),
                    nodeLogs(cluster), evidenceProblems);
            evidenceProblems.forEach(ChaosRun::log);
            final Verdict verdict = new Checker().check(h, evidence, profile.idempotent());
            final RunSummary summary = new RunSummary(profile.name(), seed, profile.nodes(), networkMode, h, windows,
                    nemesis.problems(), finalRead, verdict, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
                    gcSummary(cluster));
            ResultsWriter.write(summary, runDir.resolve("results.txt"));
            Plots.throughput(h, windows, runDir.resolve("throughput.png"));
            Plots.latency(h, windows, runDir.resolve("latency.png"));
            log("report in " + runDir + "\n" + ResultsWriter.render(summary));
            return summary;
        } finally {
            cluster.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
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

    /** Deletes the nodes' data directories (kept when the run failed, for a post-mortem). */
    public void deleteDataDirs() throws IOException {
        try (Stream<Path> nodes = Files.list(runDir)) {
            for (final Path dir : nodes.filter(p -> p.getFileName().toString().matches("node\\d+") && Files.isDirectory(p)).toList()) {
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

    /** {@code java -cp <chaos-tests + broker classpath> io.ailurus.chaos.ChaosRun [ci|soak]}; exit 1 when invalid. */
    public static void main(final String[] args) throws Exception {
        final ChaosProfile base = args.length > 0 && args[0].equals("soak") ? ChaosProfile.soak() : ChaosProfile.ci();
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
