package io.ailurus.wasm.node;

import io.ailurus.partition.producer.ProducerIdSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every transform partition of the node shares.
 *
 * @param kafka          the node's own clients (metadata, DescribeProducers, progress)
 * @param partitionCount a topic's partition count, 0 when it does not exist
 * @param producerIds    producer ids for the transform partitions' outputs
 */
record TransformServices(TransformConfig config, BinaryCache binaries, Loopback kafka,
                         java.util.function.ToIntFunction<String> partitionCount, ProducerIdSource producerIds,
                         ProgressStore progress,
                         StartPositions starts, ExecutorService io, ScheduledExecutorService watchdog,
                         StatusBoard statuses, TransformLogs logs) {
}
