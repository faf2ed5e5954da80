package io.ailurus.cluster.controller;

import io.ailurus.partition.producer.ProducerIdSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Producer ids handed out by this node from blocks the controller allocates, so ids are unique cluster-wide. The next
 * block is requested when half of the current one is used, so InitProducerId rarely waits for the controller.
 */
public final class ControllerProducerIds implements ProducerIdSource {

    static final int BLOCK = 1000;

    private final ReplicatedTopicStore store;
    private final int nodeId;
    private long next;
    private long end;
    private CompletableFuture<Long> prefetch;

    public ControllerProducerIds(final ReplicatedTopicStore store, final int nodeId) {
        this.store = store;
        this.nodeId = nodeId;
    }

    @Override
    public synchronized long nextProducerId() {
        if (next >= end) {
            final CompletableFuture<Long> block = prefetch != null ? prefetch : store.allocateProducerIds(nodeId, BLOCK);
            prefetch = null;
            try {
                next = block.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new TimeoutException("could not allocate producer ids from the controller: " + e.getMessage());
            }
            end = next + BLOCK;
        }
        if (prefetch == null && end - next <= BLOCK / 2) {
            prefetch = store.allocateProducerIds(nodeId, BLOCK);
        }
        return next++;
    }
}
