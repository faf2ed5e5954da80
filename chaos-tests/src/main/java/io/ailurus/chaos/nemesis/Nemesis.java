package io.ailurus.chaos.nemesis;

import io.ailurus.chaos.cluster.BrokerNode;
import io.ailurus.chaos.cluster.ClusterUnderTest;
import io.ailurus.chaos.cluster.NetworkNamespaces;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Plays a {@link Schedule} against the cluster on its own thread: start a fault, hold it, heal it, and log every
 * window. {@link #healAll} (also called when the thread ends, however it ends) leaves every node running and
 * reachable with no partition.
 */
public final class Nemesis implements Runnable {

    private final ClusterUnderTest cluster;
    private final Schedule schedule;
    private final LongSupplier nowNs;
    private final IntSupplier leader;
    private final BucketFaults bucket;
    private final List<FaultWindow> windows = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    /**
     * @param nowNs  the history's clock, so that windows and ops share one time axis
     * @param leader the node currently leading partition 0, for ISOLATE_LEADER (may return -1 when unknown)
     */
    public Nemesis(final ClusterUnderTest cluster, final Schedule schedule, final LongSupplier nowNs,
            final IntSupplier leader) {
        this(cluster, schedule, nowNs, leader, null);
    }

    /**
     * @param bucket where object-store faults go (tiered mode), or null when the schedule has none. Several nemeses
     *               may play their own schedules at once (tiered mode: node faults and object-store faults overlap);
     *               each heals, when it ends, only what its own schedule could have broken.
     */
    public Nemesis(final ClusterUnderTest cluster, final Schedule schedule, final LongSupplier nowNs,
            final IntSupplier leader, final BucketFaults bucket) {
        this.cluster = cluster;
        this.schedule = schedule;
        this.nowNs = nowNs;
        this.leader = leader;
        this.bucket = bucket;
    }

    @Override
    public void run() {
        final long base = nowNs.getAsLong();
        long plannedEndMs = 0;
        long healedNs = base;
        try {
            for (final Schedule.Step step : schedule.steps()) {
                // Keep the planned calm after a heal even when the heal (a restart) took long: faults that follow
                // each other without a healthy gap would only measure restarts.
                final long gapNs = TimeUnit.MILLISECONDS.toNanos(Math.max(0, step.atMs() - plannedEndMs));
                plannedEndMs = step.atMs() + step.durationMs();
                if (!sleepUntil(Math.max(base + TimeUnit.MILLISECONDS.toNanos(step.atMs()), healedNs + gapNs))) {
                    return;
                }
                final Fault fault = resolve(step.fault());
                final long start = nowNs.getAsLong();
                String note = "";
                try {
                    note = begin(fault);
                } catch (Exception e) {
                    problems.add("starting " + fault.describe() + ": " + e);
                }
                sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(step.durationMs()));
                try {
                    heal(fault);
                } catch (Exception e) {
                    problems.add("healing " + fault.describe() + ": " + e);
                }
                healedNs = nowNs.getAsLong();
                windows.add(new FaultWindow(fault, start, healedNs, note));
            }
        } finally {
            healScheduled();
        }
    }

    /** {@link #healAll} limited to what this nemesis's schedule could have broken. */
    private void healScheduled() {
        final boolean objectStoreOnly = schedule.steps().stream().allMatch(s -> s.fault().kind().objectStore());
        if (!objectStoreOnly) {
            healAll();
        } else if (bucket != null) {
            bucket.heal();
        }
    }

    /** Makes the rest of the schedule a no-op and returns once the current fault is healed. */
    public void stop() {
        stopped = true;
    }

    private boolean sleepUntil(final long atNs) {
        while (!stopped) {
            final long left = atNs - nowNs.getAsLong();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(100, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private Fault resolve(final Fault fault) {
        if (fault.kind() != Fault.Kind.ISOLATE_LEADER) {
            return fault;
        }
        int l = leader.getAsInt();
        if (l < 1 || l > cluster.size()) {
            l = 1;
        }
        return new Fault.Partition(fault.kind(), List.of(l), Grudges.isolate(List.of(l), cluster.size()));
    }

    private String begin(final Fault fault) throws Exception {
        if (fault instanceof Fault.Kill k) {
            for (final int t : k.targets()) {
                cluster.node(t).kill();
            }
        } else if (fault instanceof Fault.Pause p) {
            p.targets().forEach(t -> cluster.node(t).pause());
        } else if (fault instanceof Fault.PowerLoss pl) {
            final List<String> cuts = new ArrayList<>();
            for (final int t : pl.targets()) {
                final BrokerNode node = cluster.node(t);
                node.kill();
                final PowerLoss.Outcome o = PowerLoss.cut(node.spec().dataDir());
                if (o.journaled() == 0) {
                    // Without the broker's journal every segment would be cut to nothing: a meaningless fault.
                    problems.add("node " + t + " has no durability journal: was it started without the hook?");
                }
                cuts.add("n" + t + ": " + o.bytesDropped() + " unsynced bytes dropped from " + o.files() + " of "
                        + o.journaled() + " journaled segment file(s)");
            }
            return String.join("; ", cuts);
        } else if (fault instanceof Fault.Partition part) {
            final NetworkNamespaces net = cluster.network()
                    .orElseThrow(() -> new IllegalStateException("partitions need network namespaces"));
            part.cuts().forEach(c -> net.cut(c.get(0), c.get(1)));
        } else if (fault instanceof Fault.ObjectStore os) {
            if (bucket == null) {
                throw new IllegalStateException("object-store faults need the tiered mode's fault proxy");
            }
            bucket.inject(os);
        }
        return "";
    }

    private void heal(final Fault fault) throws Exception {
        if (fault instanceof Fault.Kill k) {
            restart(k.targets());
        } else if (fault instanceof Fault.PowerLoss pl) {
            restart(pl.targets());
        } else if (fault instanceof Fault.Pause p) {
            p.targets().forEach(t -> cluster.node(t).resume());
        } else if (fault instanceof Fault.Partition) {
            cluster.network().ifPresent(NetworkNamespaces::heal);
        } else if (fault instanceof Fault.ObjectStore && bucket != null) {
            bucket.heal();
        }
    }

    private void restart(final List<Integer> targets) throws Exception {
        for (final int t : targets) {
            cluster.node(t).start(ClusterUnderTest.START_TIMEOUT);
        }
    }

    /**
     * Resumes, restarts and reconnects everything, and lets the bucket answer again; problems are recorded, not
     * thrown.
     */
    public void healAll() {
        if (bucket != null) {
            bucket.heal();
        }
        cluster.network().ifPresent(NetworkNamespaces::heal);
        for (final BrokerNode node : cluster.nodes()) {
            try {
                node.resume();
                if (!node.alive()) {
                    node.start(ClusterUnderTest.START_TIMEOUT);
                }
            } catch (Exception e) {
                problems.add("restarting node " + node.id() + " after the faults: " + e);
            }
        }
    }

    public List<FaultWindow> windows() {
        return List.copyOf(windows);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
