package io.ailurus.chaos.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two namespaces on a bridge: they reach each other, a cut drops their packets (while the harness still reaches
 * both), a heal restores them, and close removes every namespace and link. Needs root and iproute2.
 */
class NetworkNamespacesIT {

    private static final int PORT = 7777;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void partitionDropsPacketsBetweenNodesAndHealRestoresThem() throws Exception {
        assumeTrue(NetworkNamespaces.supported(), "skipped: network namespaces need root and iproute2 (`ip`)");
        final String tag = Long.toHexString(ProcessHandle.current().pid() & 0xfff) + "t";
        final NetworkNamespaces net = NetworkNamespaces.create(tag, 250, 2);
        Process server = null;
        try {
            server = startProbe(net);
            assertTrue(connects(net, 1, net.ip(2)), "n1 reaches n2 before the partition");

            net.cut(1, 2);
            assertFalse(connects(net, 1, net.ip(2)), "n1 must not reach n2 while cut (" + net.mechanism() + ")");
            assertTrue(harnessReaches(net.ip(2)), "the harness (clients) still reaches n2");

            net.heal();
            assertTrue(connects(net, 1, net.ip(2)), "n1 reaches n2 again after the heal");
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            net.close();
        }
        assertFalse(Shell.run("ip", "netns", "list").output().contains(net.namespace(1)), "namespaces removed");
        assertFalse(Shell.run("ip", "link", "show", net.bridge()).ok(), "bridge removed");
    }

    private static Process startProbe(final NetworkNamespaces net) throws Exception {
        final List<String> cmd = new ArrayList<>(net.exec(2));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-cp", System.getProperty("java.class.path"), ProbeServer.class.getName(), net.ip(2), Integer.toString(PORT)));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        final String first = out.readLine();
        assertTrue("listening".equals(first), "probe server started: " + first);
        return p;
    }

    /** A TCP connect from inside node {@code from}'s namespace, bounded to 3 s. */
    private static boolean connects(final NetworkNamespaces net, final int from, final String ip) {
        final List<String> cmd = new ArrayList<>(net.exec(from));
        cmd.addAll(List.of("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + ip + "/" + PORT));
        return Shell.run(cmd).ok();
    }

    private static boolean harnessReaches(final String ip) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, PORT), 3000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
