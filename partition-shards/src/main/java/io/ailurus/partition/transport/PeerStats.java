package io.ailurus.partition.transport;

/**
 * Counters for one node as seen by this transport (cumulative since the transport started).
 *
 * @param connected           a publication to the node exists and Aeron reports a receiver on it
 * @param queuedBytes         frame bytes accepted by {@code send} but not yet handed to Aeron
 * @param bytesSent           frame body bytes (not counting transport headers)
 * @param messagesSent        Aeron messages: fewer than frames when small frames were coalesced
 * @param backPressureEvents  offers refused with BACK_PRESSURED or ADMIN_ACTION (data kept, retried)
 * @param notConnectedEvents  offers refused with NOT_CONNECTED (data kept, retried)
 * @param queueFullRejections {@code send} calls that returned false because the queue was full
 */
public record PeerStats(
    int nodeId,
    boolean connected,
    long queuedBytes,
    long framesSent,
    long bytesSent,
    long messagesSent,
    long framesReceived,
    long bytesReceived,
    long messagesReceived,
    long backPressureEvents,
    long notConnectedEvents,
    long queueFullRejections) {
}
