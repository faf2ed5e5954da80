package io.ailurus.partition.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves opaque replication frames between broker nodes over Aeron UDP: one embedded media driver and one
 * subscription per node, one publication per peer node, many Raft groups multiplexed on each publication.
 *
 * <h2>Sending</h2>
 * {@link #send} copies the frame into the peer's bounded queue and returns at once; it is safe from any number of
 * threads, and frames to one peer keep the order in which the sends happened. A sender thread drains every queue,
 * coalescing the queued frames of a peer into one Aeron message of up to {@code maxBatchBytes} (thousands of
 * heartbeats become one packet); a frame larger than a batch goes as consecutive chunks and is reassembled by the
 * receiver. Frames to this node itself skip Aeron and loop through memory to the receiver thread.
 *
 * <h2>Back-pressure and peers that are down</h2>
 * Nothing accepted is dropped silently. When Aeron refuses an offer (BACK_PRESSURED, ADMIN_ACTION: the receiver is
 * slow; NOT_CONNECTED: the peer is down or not up yet) the data stays queued and is retried on the next cycle. The
 * queue is bounded: when full, {@code send} returns false and counts a rejection; the caller retries later (Raft
 * resends on its next heartbeat). After a peer restarts, the frames still in the queue are delivered to it; frames
 * Aeron had already taken but the old incarnation never received are lost, which Raft tolerates.
 *
 * <h2>Receiving</h2>
 * The {@link FrameHandler} runs on the receiver thread, one frame at a time, in per-sender order; it must hand off
 * and return quickly (a blocked handler stops all receiving and back-pressures every peer, but not this node's own
 * sending, which has its own thread).
 *
 * <h2>Membership</h2>
 * {@link #connect} and {@link #disconnect} add and remove peers at runtime (they block for the few milliseconds the
 * driver needs to set up a publication). Disconnect discards what was queued for the peer.
 *
 * <h2>JVM</h2>
 * On Java 17 the JVM needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
 * --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (Agrona); several transports may run in one JVM, each with its own
 * driver directory and port.
 */
public final class ReplicationTransport implements AutoCloseable {

    /** How long this process may stall without its own Aeron client and driver giving each other up. */
    static final long PAUSE_TOLERANCE_NS = TimeUnit.MINUTES.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationTransport.class);

    /** Stream id of replication traffic; one subscription per node receives from all peers on it. */
    static final int STREAM_ID = 1001;

    private final TransportConfig config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Subscription subscription;
    private final int port;
    private final PeerDirectory peers = new PeerDirectory();
    private final Map<Integer, PeerCounters> countersByNode = new ConcurrentHashMap<>();
    private final PeerCounters selfCounters;
    private final PeerOutbox selfOutbox;
    private final AtomicLong unknownPeerRejections = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final ThreadWaker senderThread;
    private final ThreadWaker receiverThread;
    private final ThreadWaker driverThread;
    private final AgentRunner senderRunner;
    private final AgentRunner receiverRunner;
    private volatile boolean closed;

    private ReplicationTransport(final TransportConfig config, final FrameHandler handler) {
        this.config = config;
        this.selfCounters = countersFor(config.nodeId());
        this.selfOutbox = new PeerOutbox(config.peerQueueBytes());
        this.senderThread = new ThreadWaker("ailurus-replication-sender-" + config.nodeId());
        this.receiverThread = new ThreadWaker("ailurus-replication-receiver-" + config.nodeId());
        this.driverThread = new ThreadWaker("ailurus-aeron-driver-" + config.nodeId());
        MediaDriver startedDriver = null;
        Aeron startedAeron = null;
        try {
            startedDriver = MediaDriver.launchEmbedded(driverContext(config, driverThread, receiverThread, senderThread));
            startedAeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(startedDriver.aeronDirectoryName())
                .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(PAUSE_TOLERANCE_NS))
                .errorHandler(failure -> LOG.warn("Aeron client error on node {}", config.nodeId(), failure))
                .availableImageHandler(this::onImageAvailable)
                .unavailableImageHandler(this::onImageUnavailable));
            this.driver = startedDriver;
            this.aeron = startedAeron;
            this.subscription = aeron.addSubscription(
                "aeron:udp?endpoint=" + config.bindHost() + ":" + config.port(), STREAM_ID);
            this.port = config.port() != 0 ? config.port() : resolvedPort(subscription);
        } catch (final RuntimeException failure) {
            CloseHelper.quietCloseAll(startedAeron, startedDriver);
            throw failure;
        }
        final InboundDecoder decoder = new InboundDecoder(handler, new InboundDecoder.ReceiveCounters() {
            @Override
            public PeerCounters forNode(final int nodeId) {
                return countersFor(nodeId);
            }

            @Override
            public void handlerFailed(final int fromNode, final long groupId, final RuntimeException failure) {
                handlerErrors.incrementAndGet();
                LOG.error("Frame handler failed on a frame from node {} group {}", fromNode, groupId, failure);
            }
        });
        this.senderRunner = new AgentRunner(idle(config.agentIdleMaxParkNs()), this::onAgentError, null,
            new SenderAgent(config.nodeId(), peers, driverThread));
        this.receiverRunner = new AgentRunner(idle(config.agentIdleMaxParkNs()), this::onAgentError, null,
            new ReceiverAgent(config.nodeId(), subscription, decoder, selfOutbox, selfCounters));
        AgentRunner.startOnThread(senderRunner, senderThread);
        AgentRunner.startOnThread(receiverRunner, receiverThread);
        LOG.info("Replication transport of node {} listening on udp {}:{} (aeron dir {})",
            config.nodeId(), config.bindHost(), port, driver.aeronDirectoryName());
    }

    /** Starts the embedded media driver, the subscription and the sender and receiver threads. */
    public static ReplicationTransport start(final TransportConfig config, final FrameHandler handler) {
        return new ReplicationTransport(config, handler);
    }

    /**
     * One shared driver thread polls the sockets with a short park; when it did work it wakes the receiver and sender
     * threads, and the sender wakes it after offering, so only this one thread pays for polling.
     */
    private static MediaDriver.Context driverContext(final TransportConfig config, final ThreadWaker driverThread,
        final ThreadWaker... wakeOnWork) {
        final Path dir = config.aeronDir().toAbsolutePath();
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedThreadFactory(driverThread)
            .sharedIdleStrategy(new WakingIdleStrategy(idle(config.idleMaxParkNs()), wakeOnWork))
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            // Term files are only touched where written: an idle link costs address space, not memory or disk.
            .termBufferSparseFile(true)
            // Driver and client live in one process, so a stalled process (SIGSTOP, a long GC, an overloaded box)
            // stalls both: with Aeron's 10 s defaults the client declared itself dead after such a pause and the
            // node never replicated again (found by the chaos soak). Dead peers are still noticed by image liveness.
            .clientLivenessTimeoutNs(PAUSE_TOLERANCE_NS)
            .publicationUnblockTimeoutNs(PAUSE_TOLERANCE_NS + TimeUnit.SECONDS.toNanos(15))
            .driverTimeoutMs(TimeUnit.NANOSECONDS.toMillis(PAUSE_TOLERANCE_NS))
            .publicationTermBufferLength(config.termLength())
            .mtuLength(config.mtu());
        LOG.info("Starting embedded Aeron media driver (shared thread) in {}", dir);
        return context;
    }

    /** Spin and yield briefly (a reply often follows a request), then park with growing pauses up to the bound. */
    private static IdleStrategy idle(final long maxParkNs) {
        return new BackoffIdleStrategy(10, 5, TimeUnit.MICROSECONDS.toNanos(1), maxParkNs);
    }

    private static int resolvedPort(final Subscription subscription) {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String endpoint;
        while ((endpoint = subscription.resolvedEndpoint()) == null) {
            if (System.nanoTime() > deadlineNs) {
                throw new IllegalStateException("Aeron did not report the port it bound");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    /** The settings this transport runs with. */
    public TransportConfig config() {
        return config;
    }

    /** This node's id. */
    public int nodeId() {
        return config.nodeId();
    }

    /** The UDP port this node receives on (the configured one, or the one picked for port 0). */
    public int port() {
        return port;
    }

    /**
     * Adds (or re-points) the link to a peer node. Idempotent for an unchanged endpoint; a new endpoint replaces the
     * link and discards what was queued for the old one. Connecting this node's own id is a no-op, as frames to itself
     * always loop through memory. Returns once the publication exists (a few ms, blocking); the link comes up when
     * the peer's transport runs (logged), and frames sent before then wait in the queue.
     */
    public void connect(final int nodeId, final String host, final int peerPort) {
        ensureOpen();
        if (nodeId == config.nodeId()) {
            return;
        }
        synchronized (peers) {
            final PeerLink existing = peers.get(nodeId);
            if (existing != null && existing.sameEndpoint(host, peerPort)) {
                return;
            }
            final ExclusivePublication publication =
                aeron.addExclusivePublication(config.channel(host, peerPort), STREAM_ID);
            peers.put(new PeerLink(config.nodeId(), nodeId, host, peerPort, publication,
                config.maxBatchBytes(), config.peerQueueBytes(), countersFor(nodeId)));
            LOG.info("Node {} added replication peer {} at {}:{}{}", config.nodeId(), nodeId, host, peerPort,
                existing != null ? " (was " + existing.host + ":" + existing.port + ")" : "");
        }
        senderThread.wake();
    }

    /** Removes the link to a peer; frames still queued for it are discarded. Unknown ids are ignored. */
    public void disconnect(final int nodeId) {
        final PeerLink removed = peers.remove(nodeId);
        if (removed != null) {
            LOG.info("Node {} removed replication peer {} ({} queued bytes discarded)",
                config.nodeId(), nodeId, removed.queuedBytes());
            senderThread.wake();
        }
    }

    /**
     * Queues one frame for a node. Copies {@code body[offset, offset + length)}, so the caller may reuse its buffer
     * when this returns.
     *
     * @return true if queued (it will be sent in order with the other frames to that node, retried through
     *         back-pressure); false if that node's queue is full or the node is not connected: nothing was queued,
     *         retry later
     * @throws IllegalArgumentException if {@code length} exceeds {@code maxFrameBytes}
     */
    public boolean send(final int toNode, final long groupId, final DirectBuffer body, final int offset,
        final int length) {
        checkFrameLength(length);
        if (toNode == config.nodeId()) {
            return afterAppend(selfCounters, selfOutbox.append(groupId, body, offset, length), receiverThread);
        }
        final PeerLink link = peers.get(toNode);
        if (link == null) {
            unknownPeerRejections.incrementAndGet();
            return false;
        }
        return afterAppend(link.counters, link.outbox.append(groupId, body, offset, length), senderThread);
    }

    /**
     * Like {@link #send(int, long, DirectBuffer, int, int)}, but the caller's encoder writes the body straight into the
     * queue (no intermediate buffer). The encoder runs on the calling thread under the peer queue's lock; it is only
     * called if there is room for {@code maxLength} bytes.
     */
    public boolean send(final int toNode, final long groupId, final int maxLength, final FrameEncoder encoder) {
        checkFrameLength(maxLength);
        if (toNode == config.nodeId()) {
            return afterAppend(selfCounters, selfOutbox.append(groupId, maxLength, encoder), receiverThread);
        }
        final PeerLink link = peers.get(toNode);
        if (link == null) {
            unknownPeerRejections.incrementAndGet();
            return false;
        }
        return afterAppend(link.counters, link.outbox.append(groupId, maxLength, encoder), senderThread);
    }

    private void checkFrameLength(final int length) {
        if (length < 0 || length > config.maxFrameBytes()) {
            throw new IllegalArgumentException("frame of " + length + " bytes, max " + config.maxFrameBytes());
        }
    }

    private static boolean afterAppend(final PeerCounters counters, final PeerOutbox.Appended appended,
        final ThreadWaker drainer) {
        switch (appended) {
            case REJECTED -> {
                counters.queueFullRejections.incrementAndGet();
                return false;
            }
            case FIRST -> {
                // The drainer may be parked on an idle queue: wake it instead of waiting out its park (latency).
                drainer.wake();
                return true;
            }
            default -> {
                return true;
            }
        }
    }


    /** A snapshot of the counters of every node this transport exchanged frames with. */
    public TransportStats stats() {
        final Map<Integer, PeerStats> byNode = new java.util.TreeMap<>();
        for (final PeerCounters counters : countersByNode.values()) {
            final PeerLink link = peers.get(counters.nodeId);
            final boolean self = counters.nodeId == config.nodeId();
            final boolean connected = self || (link != null && !closed && link.isConnected());
            final long queued = self ? selfOutbox.queuedBytes() : link != null ? link.queuedBytes() : 0;
            byNode.put(counters.nodeId, counters.snapshot(connected, queued));
        }
        return new TransportStats(config.nodeId(), Map.copyOf(byNode), unknownPeerRejections.get(),
            handlerErrors.get());
    }

    /** True when a peer's publication has a live receiver (the peer's transport runs and is reachable). */
    public boolean isConnected(final int nodeId) {
        if (nodeId == config.nodeId()) {
            return true;
        }
        final PeerLink link = peers.get(nodeId);
        return link != null && link.isConnected();
    }

    private PeerCounters countersFor(final int nodeId) {
        final PeerCounters counters = countersByNode.get(nodeId);
        return counters != null ? counters : countersByNode.computeIfAbsent(nodeId, PeerCounters::new);
    }

    private void onImageAvailable(final Image image) {
        LOG.info("Node {} receiving replication from {} (session {})",
            config.nodeId(), image.sourceIdentity(), image.sessionId());
    }

    private void onImageUnavailable(final Image image) {
        LOG.info("Node {} stopped receiving replication from {} (session {})",
            config.nodeId(), image.sourceIdentity(), image.sessionId());
    }

    private void onAgentError(final Throwable failure) {
        LOG.error("Replication transport thread of node {} failed", config.nodeId(), failure);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("transport of node " + config.nodeId() + " is closed");
        }
    }

    /** Stops both threads (the sender closes every publication), then the client and the driver (its dir is deleted). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CloseHelper.closeAll(senderRunner, receiverRunner, subscription, aeron, driver);
        LOG.info("Replication transport of node {} closed", config.nodeId());
    }
}
