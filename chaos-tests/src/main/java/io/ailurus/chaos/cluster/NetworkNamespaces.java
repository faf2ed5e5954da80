package io.ailurus.chaos.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One Linux network namespace per node, each joined by a veth pair to a bridge in the harness's namespace, so that a
 * partition is real dropped packets between nodes while the harness (the clients) still reaches every node.
 *
 * <p>Drop rules: iptables DROP in both directions when {@code iptables} is installed (a silent black hole, like
 * Jepsen's); otherwise a {@code blackhole} route on both sides (iproute2 only: packets are discarded at routing, the
 * local sender sees an error instead of silence). The machine's kernel here has no tc classifiers, so tc is not used.
 * Needs root; {@link #supported()} says whether this machine can.
 */
public final class NetworkNamespaces implements AutoCloseable {

    private final String tag;
    private final int subnet;
    private final int nodes;
    private final boolean iptables;
    private final Set<String> cuts = new HashSet<>();
    private final List<String> created = new ArrayList<>();
    private boolean bridgeUp;

    private NetworkNamespaces(final String tag, final int subnet, final int nodes) {
        this.tag = tag;
        this.subnet = subnet;
        this.nodes = nodes;
        this.iptables = Shell.available("iptables");
    }

    public static boolean supported() {
        return Shell.isRoot() && Shell.available("ip");
    }

    /**
     * Creates the bridge and {@code nodes} namespaces. {@code tag} (≤ 4 characters) keeps names of concurrent runs
     * apart; the subnet is 10.231.{@code subnet}.0/24 with the bridge at .1 and node i at .(10+i).
     */
    public static NetworkNamespaces create(final String tag, final int subnet, final int nodes) {
        final NetworkNamespaces n = new NetworkNamespaces(tag, subnet, nodes);
        try {
            n.build();
            return n;
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
    }

    private void build() {
        Shell.check("ip", "link", "add", bridge(), "type", "bridge");
        bridgeUp = true;
        Shell.check("ip", "addr", "add", hostIp() + "/24", "dev", bridge());
        Shell.check("ip", "link", "set", bridge(), "up");
        for (int i = 1; i <= nodes; i++) {
            final String ns = namespace(i);
            Shell.check("ip", "netns", "add", ns);
            created.add(ns);
            final String host = "vh" + tag + i;
            final String inside = "vn" + tag + i;
            Shell.check("ip", "link", "add", host, "type", "veth", "peer", "name", inside);
            Shell.check("ip", "link", "set", inside, "netns", ns);
            Shell.check("ip", "-n", ns, "link", "set", inside, "name", "eth0");
            Shell.check("ip", "-n", ns, "addr", "add", ip(i) + "/24", "dev", "eth0");
            Shell.check("ip", "-n", ns, "link", "set", "eth0", "up");
            Shell.check("ip", "-n", ns, "link", "set", "lo", "up");
            Shell.check("ip", "link", "set", host, "master", bridge());
            Shell.check("ip", "link", "set", host, "up");
        }
    }

    public String bridge() {
        return "achbr" + tag;
    }

    public String namespace(final int node) {
        return "ailurus-" + tag + "-n" + node;
    }

    public String ip(final int node) {
        return "10.231." + subnet + "." + (10 + node);
    }

    public String hostIp() {
        return "10.231." + subnet + ".1";
    }

    public String mechanism() {
        return iptables ? "iptables DROP" : "blackhole routes";
    }

    /** Drops every packet between nodes {@code a} and {@code b}, both ways. */
    public synchronized void cut(final int a, final int b) {
        if (a == b || !cuts.add(Math.min(a, b) + "-" + Math.max(a, b))) {
            return;
        }
        drop(a, b);
        drop(b, a);
    }

    private void drop(final int from, final int to) {
        if (iptables) {
            Shell.check("ip", "netns", "exec", namespace(from), "iptables", "-A", "INPUT", "-s", ip(to), "-j", "DROP");
            Shell.check("ip", "netns", "exec", namespace(from), "iptables", "-A", "OUTPUT", "-d", ip(to), "-j", "DROP");
        } else {
            Shell.check("ip", "-n", namespace(from), "route", "add", "blackhole", ip(to) + "/32");
        }
    }

    /** Removes every drop rule. */
    public synchronized void heal() {
        for (final String cut : cuts) {
            final String[] ab = cut.split("-");
            undrop(Integer.parseInt(ab[0]), Integer.parseInt(ab[1]));
            undrop(Integer.parseInt(ab[1]), Integer.parseInt(ab[0]));
        }
        cuts.clear();
    }

    private void undrop(final int from, final int to) {
        if (iptables) {
            Shell.run("ip", "netns", "exec", namespace(from), "iptables", "-F");
        } else {
            Shell.run("ip", "-n", namespace(from), "route", "del", "blackhole", ip(to) + "/32");
        }
    }

    /** The command prefix that runs a program inside node {@code i}'s namespace. */
    public List<String> exec(final int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /** Deleting a namespace deletes its end of the veth pair, and with it the other end. */
    @Override
    public synchronized void close() {
        for (final String ns : created) {
            Shell.run("ip", "netns", "del", ns);
        }
        created.clear();
        if (bridgeUp) {
            Shell.run("ip", "link", "del", bridge());
            bridgeUp = false;
        }
    }
}
