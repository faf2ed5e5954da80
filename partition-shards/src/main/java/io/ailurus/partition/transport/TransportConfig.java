package io.ailurus.partition.transport;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Settings of one node's {@link ReplicationTransport}. Start from {@link #defaults(int, Path)} and adjust with the
 * {@code with*} methods.
 *
 * @param nodeId              this node's id, carried in every message
 * @param bindHost            address this node receives on
 * @param port                UDP port this node receives on; 0 picks a free one (see {@link ReplicationTransport#port()})
 * @param aeronDir            the embedded media driver's directory (deleted on start and on close); a tmpfs such as
 *                            /dev/shm is fastest, {@code <data-dir>/aeron} works
 * @param maxBatchBytes       upper bound of one coalesced Aeron message; frames too large for it are chunked
 * @param maxFrameBytes       largest frame body {@code send} accepts
 * @param peerQueueBytes      bound of each peer's outbound queue; when full, {@code send} returns false (the sender
 *                            thread may hold as much again that it could not hand to Aeron yet: up to 2x per peer)
 * @param termLength          Aeron term buffer length of each publication (power of two, 64 KiB..1 GiB); a message is
 *                            at most termLength/8, and each publication and image maps three terms
 * @param mtu                 Aeron MTU (UDP payload per datagram)
 * @param idleMaxParkNs       longest sleep of the media driver thread when idle; it polls the UDP socket, so this
 *                            bounds the latency an idle link adds on the receiving side, and sets the CPU an idle node
 *                            burns (about one wake-up per period)
 * @param agentIdleMaxParkNs  longest sleep of the sender and receiver threads; they are woken when work arrives
 *                            ({@code send}, or the driver having done work), so this is only a safety net
 */
public record TransportConfig(
    int nodeId,
    String bindHost,
    int port,
    Path aeronDir,
    int maxBatchBytes,
    int maxFrameBytes,
    int peerQueueBytes,
    int termLength,
    int mtu,
    long idleMaxParkNs,
    long agentIdleMaxParkNs) {

    /** DESIGN.md §7: Aeron replication listens on udp 127.0.0.1:26000. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 26000;

    public TransportConfig {
        if (nodeId < 0) {
            throw new IllegalArgumentException("nodeId must be >= 0: " + nodeId);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (Integer.bitCount(termLength) != 1 || termLength < 64 * 1024 || termLength > 1 << 30) {
            throw new IllegalArgumentException("termLength must be a power of two in 64 KiB..1 GiB: " + termLength);
        }
        // A batch must hold at least one frame record next to the message header, and fit one Aeron message.
        if (maxBatchBytes < 1024 || maxBatchBytes > termLength / 8) {
            throw new IllegalArgumentException("maxBatchBytes must be in 1 KiB..termLength/8: " + maxBatchBytes);
        }
        if (maxFrameBytes < 0 || (long) maxFrameBytes + WireFormat.RECORD_HEADER_LENGTH > peerQueueBytes) {
            throw new IllegalArgumentException("peerQueueBytes must hold one frame of maxFrameBytes");
        }
        if (idleMaxParkNs < 1000 || agentIdleMaxParkNs < 1000) {
            throw new IllegalArgumentException("idle park times must be at least 1 us");
        }
    }

    /**
     * 64 KiB batches, 4 MiB frames, 16 MiB queue per peer, 4 MiB terms, 500 us driver park, 10 ms agent park.
     * The driver park is the latency / idle CPU trade-off; on the 2-core dev box one idle node cost about 5% of a
     * core at 500 us and 9% at 200 us, and an idle link's one-way latency was about 0.3-0.4 ms either way.
     */
    public static TransportConfig defaults(final int nodeId, final Path aeronDir) {
        return new TransportConfig(nodeId, DEFAULT_HOST, DEFAULT_PORT, aeronDir,
            64 * 1024, 4 * 1024 * 1024, 16 * 1024 * 1024, 4 * 1024 * 1024, 1408,
            TimeUnit.MICROSECONDS.toNanos(500), TimeUnit.MILLISECONDS.toNanos(10));
    }

    public TransportConfig withEndpoint(final String host, final int newPort) {
        return new TransportConfig(nodeId, host, newPort, aeronDir, maxBatchBytes, maxFrameBytes, peerQueueBytes,
            termLength, mtu, idleMaxParkNs, agentIdleMaxParkNs);
    }

    public TransportConfig withLimits(final int batchBytes, final int frameBytes, final int queueBytes) {
        return new TransportConfig(nodeId, bindHost, port, aeronDir, batchBytes, frameBytes, queueBytes,
            termLength, mtu, idleMaxParkNs, agentIdleMaxParkNs);
    }

    public TransportConfig withTermLength(final int length) {
        return new TransportConfig(nodeId, bindHost, port, aeronDir, maxBatchBytes, maxFrameBytes, peerQueueBytes,
            length, mtu, idleMaxParkNs, agentIdleMaxParkNs);
    }

    public TransportConfig withIdle(final long maxParkNs, final long agentMaxParkNs) {
        return new TransportConfig(nodeId, bindHost, port, aeronDir, maxBatchBytes, maxFrameBytes, peerQueueBytes,
            termLength, mtu, maxParkNs, agentMaxParkNs);
    }

    String channel(final String host, final int toPort) {
        return "aeron:udp?endpoint=" + host + ":" + toPort + "|term-length=" + termLength + "|mtu=" + mtu;
    }
}
