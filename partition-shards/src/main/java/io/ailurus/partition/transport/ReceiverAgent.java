package io.ailurus.partition.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import org.agrona.concurrent.Agent;

/**
 * The duty cycle that polls this node's subscription and the in-memory loop for frames this node sent to itself, and
 * calls the {@link FrameHandler} for each frame.
 */
final class ReceiverAgent implements Agent {

    /** Fragments per poll: bounds how long one cycle runs before the self loop gets its turn. */
    private static final int FRAGMENT_LIMIT = 256;

    private final String roleName;
    private final int selfNodeId;
    private final Subscription subscription;
    private final FragmentAssembler assembler;
    private final InboundDecoder decoder;
    private final PeerOutbox selfOutbox;
    private final PeerCounters selfCounters;
    private final PeerOutbox.Drain selfDrain = new PeerOutbox.Drain();

    ReceiverAgent(
        final int selfNodeId,
        final Subscription subscription,
        final InboundDecoder decoder,
        final PeerOutbox selfOutbox,
        final PeerCounters selfCounters) {
        this.roleName = "ailurus-replication-receiver-" + selfNodeId;
        this.selfNodeId = selfNodeId;
        this.subscription = subscription;
        this.decoder = decoder;
        this.assembler = new FragmentAssembler(decoder);
        this.selfOutbox = selfOutbox;
        this.selfCounters = selfCounters;
    }

    @Override
    public int doWork() {
        return subscription.poll(assembler, FRAGMENT_LIMIT) + deliverToSelf();
    }

    private int deliverToSelf() {
        if (selfOutbox.swap(selfDrain) == 0) {
            return 0;
        }
        selfCounters.messagesSent.incrementAndGet();
        selfCounters.messagesReceived.incrementAndGet();
        final long framesBefore = selfCounters.framesReceived.get();
        final long bytesBefore = selfCounters.bytesReceived.get();
        decoder.onBatch(selfNodeId, selfCounters, selfDrain.buffer, 0, selfDrain.limit);
        selfCounters.framesSent.addAndGet(selfCounters.framesReceived.get() - framesBefore);
        selfCounters.bytesSent.addAndGet(selfCounters.bytesReceived.get() - bytesBefore);
        selfDrain.position = selfDrain.limit;
        return 1;
    }

    @Override
    public String roleName() {
        return roleName;
    }
}
