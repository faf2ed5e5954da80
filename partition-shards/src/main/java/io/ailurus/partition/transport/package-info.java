/**
 * The Aeron replication transport: moves opaque Raft frames between broker nodes.
 *
 * <p>Per node: one {@link io.aeron.driver.MediaDriver} embedded in SHARED threading mode (its own directory), one
 * subscription on this node's UDP endpoint (default 127.0.0.1:26000), one exclusive publication per peer node. Many
 * Raft groups share a publication: every frame carries its {@code groupId}, every message its sender's node id.
 *
 * <p>Threads per node, none of them spinning when idle:
 * <ul>
 *   <li>the driver thread polls the sockets, parking up to {@code idleMaxParkNs} (the one polling cost of an idle
 *       node); when a duty cycle did work it wakes the two threads below;</li>
 *   <li>the sender thread ({@link io.ailurus.partition.transport.SenderAgent}) drains the per-peer queues into the
 *       publications, coalescing small frames into one message and chunking large ones; {@code send} wakes it, and
 *       it wakes the driver after offering;</li>
 *   <li>the receiver thread ({@link io.ailurus.partition.transport.ReceiverAgent}) polls the subscription and the
 *       in-memory loop to this node itself and calls the {@link io.ailurus.partition.transport.FrameHandler}.</li>
 * </ul>
 *
 * <p>Wire layout: {@link io.ailurus.partition.transport.WireFormat}. Entry point:
 * {@link io.ailurus.partition.transport.ReplicationTransport}.
 */
package io.ailurus.partition.transport;
