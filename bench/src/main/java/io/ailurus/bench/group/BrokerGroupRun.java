package io.ailurus.bench.group;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Utils;

/**
 * One broker's part, alone on the machine: start it with a fresh data directory, create the topic, warm up, run the
 * repetitions (formation, then one member leaving) and the commit loop, stop it, delete its data.
 */
final class BrokerGroupRun {

    private static final String TOPIC = "group-bench";
    /** __consumer_offsets partitions: Kafka's default (offsets.topic.num.partitions) and ailurus's. */
    private static final int[] OFFSETS_PARTITIONS = {50, 16};
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private BrokerGroupRun() {
    }

    static BrokerGroupResults run(final String label, final BrokerHarness harness, final GroupBenchOptions options)
            throws Exception {
        final Path runDir = options.baseDir();
        Files.createDirectories(runDir);
        Files.deleteIfExists(runDir.resolve(label + ".log"));
        System.out.printf("%n=== %s ===%n", label);
        final Path dataDir = BrokerHarness.createDataDir(runDir, label + "-data-");
        final List<Double> formation = new ArrayList<>();
        final List<Double> rebalance = new ArrayList<>();
        final List<Double> close = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        CommitLoop.Result commit = null;
        String delay = "?";
        final String fs = BrokerHarness.fileSystem(dataDir);
        try {
            System.out.println("  data dir  " + fs);
            final long t0 = System.nanoTime();
            try (RunningBroker broker = label.equals("ailurus") ? harness.startAilurus(runDir, dataDir)
                    : harness.startKafka(runDir, dataDir)) {
                System.out.printf("  started in %.1f s: pid %d, %s, log %s%n", (System.nanoTime() - t0) / 1e9,
                        broker.pid(), broker.bootstrap(), broker.logFile());
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrap()))) {
                    delay = broker.initialDelay() + "; " + reportedDelay(admin);
                    System.out.println("  " + BrokerHarness.DELAY_KEY + ": " + delay);
                    BrokerHarness.createTopic(admin, broker.bootstrap(), TOPIC, options.partitions());
                    warmUp(broker, admin, options);
                    for (int i = 0; i < options.repetitions(); i++) {
                        final String groupId = groupId(label, "rep" + i);
                        final int leaver = i % options.members();
                        final long settle = settleMillis(i, options);
                        try {
                            final GroupTrial.Result r = GroupTrial.run(broker.bootstrap(), TOPIC, groupId, leaver,
                                    settle, options);
                            formation.add(r.formationMs());
                            rebalance.add(r.rebalanceMs());
                            close.add(r.closeMs());
                            System.out.printf("  rep %2d  formation %6.0f ms   member %d left %4d ms later: "
                                    + "rebalance %5.0f ms (its close() %4.0f ms)%n", i, r.formationMs(), leaver,
                                    settle, r.rebalanceMs(), r.closeMs());
                        } catch (TimeoutException | RuntimeException e) {
                            failures.add("rep " + i + ": " + e);
                            System.out.println("  rep " + i + " FAILED: " + e);
                        }
                        if (!broker.alive()) {
                            failures.add("the broker exited during rep " + i + ", see " + broker.logFile());
                            System.out.println("  " + failures.get(failures.size() - 1));
                            break;
                        }
                    }
                    if (broker.alive()) {
                        commit = CommitLoop.run(broker.bootstrap(), TOPIC, groupId(label, "commits"), options);
                        System.out.println("  commits  " + commit);
                        if (commit.errors() > 0) {
                            failures.add("commit loop: " + commit.errors() + " errors, first " + commit.firstError());
                        }
                    }
                }
                System.out.println("  stopping " + label);
            }
        } finally {
            BrokerHarness.deleteDataDir(dataDir);
        }
        return new BrokerGroupResults(label, fs, delay, formation, rebalance, close, commit, failures);
    }

    /**
     * The pause before repetition {@code rep}'s member leaves: {@code --settle-ms} plus (rep mod 10) tenths of the
     * heartbeat interval. The members' heartbeats start together when the group forms, so the leave falls at a
     * different point of their heartbeat cycle in each of ten repetitions, the same points on both brokers. With a
     * fixed pause it would always fall at the same point. The survivors learn of the rebalance from their next
     * heartbeat, so the figure would then be a best or worst case rather than a median.
     */
    private static long settleMillis(final int rep, final GroupBenchOptions options) {
        return options.settleMillis() + (rep % 10) * ConsumerSettings.HEARTBEAT_INTERVAL_MS / 10L;
    }

    /** A fresh group id: never used before on this broker. */
    private static String groupId(final String label, final String what) {
        return "group-bench-" + label + "-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** What the broker says about group.initial.rebalance.delay.ms (DescribeConfigs of the broker), if anything. */
    private static String reportedDelay(final Admin admin) {
        try {
            final Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            final ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER,
                    Integer.toString(nodes.iterator().next().id()));
            final Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS)
                    .get(resource);
            final ConfigEntry entry = config == null ? null : config.get(BrokerHarness.DELAY_KEY);
            return entry == null ? "DescribeConfigs does not list it"
                    : "DescribeConfigs reports " + entry.value() + " (" + entry.source() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "DescribeConfigs interrupted";
        } catch (Exception e) {
            return "DescribeConfigs failed: " + e;
        }
    }

    /**
     * Unmeasured. First, one offset commit (through the admin client) for a group on every __consumer_offsets
     * partition of either broker: Kafka creates that topic on the first group request, and each coordinator loads its
     * partition; neither belongs in the first repetition. Then one whole repetition, for the JIT of both sides.
     */
    private static void warmUp(final RunningBroker broker, final Admin admin, final GroupBenchOptions options)
            throws Exception {
        final long t0 = System.nanoTime();
        final List<String> groups = groupsOnEveryCoordinator();
        final Map<String, KafkaFuture<Void>> commits = new HashMap<>();
        final Map<TopicPartition, OffsetAndMetadata> offset = Map.of(new TopicPartition(TOPIC, 0),
                new OffsetAndMetadata(0));
        for (final String g : groups) {
            commits.put(g, admin.alterConsumerGroupOffsets(g, offset).all());
        }
        int failed = 0;
        for (final KafkaFuture<Void> f : commits.values()) {
            try {
                f.get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                failed++;
            }
        }
        System.out.printf("  warm-up   offset commits for %d groups (every coordinator partition) in %.1f s%s%n",
                groups.size(), (System.nanoTime() - t0) / 1e9, failed > 0 ? ", " + failed + " failed" : "");
        try {
            final GroupTrial.Result r = GroupTrial.run(broker.bootstrap(), TOPIC, groupId(broker.label(), "warmup"),
                    0, options.settleMillis(), options);
            System.out.printf("  warm-up   formation %.0f ms, rebalance %.0f ms (not measured)%n", r.formationMs(),
                    r.rebalanceMs());
        } catch (TimeoutException | RuntimeException e) {
            System.out.println("  warm-up repetition failed: " + e);
        }
    }

    /** Group ids that, together, map to every partition of a 50- and of a 16-partition __consumer_offsets. */
    private static List<String> groupsOnEveryCoordinator() {
        final BitSet[] covered = new BitSet[OFFSETS_PARTITIONS.length];
        for (int i = 0; i < covered.length; i++) {
            covered[i] = new BitSet(OFFSETS_PARTITIONS[i]);
        }
        final List<String> groups = new ArrayList<>();
        for (int k = 0; !allCovered(covered) && k < 100_000; k++) {
            final String g = "group-bench-warmup-" + k;
            boolean useful = false;
            for (int i = 0; i < covered.length; i++) {
                final int p = Utils.abs(g.hashCode()) % OFFSETS_PARTITIONS[i];
                if (!covered[i].get(p)) {
                    covered[i].set(p);
                    useful = true;
                }
            }
            if (useful) {
                groups.add(g);
            }
        }
        return groups;
    }

    private static boolean allCovered(final BitSet[] covered) {
        for (int i = 0; i < covered.length; i++) {
            if (covered[i].cardinality() < OFFSETS_PARTITIONS[i]) {
                return false;
            }
        }
        return true;
    }
}
