package io.ailurus.broker;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks loopback ports for several nodes on one machine (test clusters, the chaos harness). A port is chosen free now
 * and below Linux's ephemeral range (32768 and up by default): such a setup picks a later node's ports long before
 * that node binds them, and an ephemeral port (the OS's choice for port 0, and for every outgoing connection) could
 * meanwhile go to another node's outgoing connection (seen: "Address already in use" for a restarted node's port).
 */
public final class LoopbackPorts {

    private static final int PORTS_FROM = 20_000;
    private static final int PORTS = 12_000;
    private static final AtomicInteger NEXT = new AtomicInteger(new Random().nextInt(PORTS));

    private LoopbackPorts() {
    }

    /** A port that both TCP (Kafka, cluster, admin) and UDP (Aeron) can bind on loopback now. */
    public static int free() throws IOException {
        for (int attempt = 0; attempt < PORTS; attempt++) {
            final int port = PORTS_FROM + Math.floorMod(NEXT.getAndIncrement(), PORTS);
            if (port != 25_520 && port != 26_000 && bindable(port)) {   // skip the node defaults (DESIGN.md §7)
                return port;
            }
        }
        throw new IOException("no free port in " + PORTS_FROM + ".." + (PORTS_FROM + PORTS - 1));
    }

    private static boolean bindable(final int port) {
        final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (ServerSocket tcp = new ServerSocket(); DatagramSocket udp = new DatagramSocket(null)) {
            tcp.bind(address);
            udp.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
