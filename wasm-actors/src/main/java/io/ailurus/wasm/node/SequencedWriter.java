package io.ailurus.wasm.node;

import io.ailurus.partition.replica.BrokerChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Writes one transform partition's planned output batches exactly once: each batch carries the transform partition's
 * producer id and the sequences its plan gave it, and goes to the output partition's leader over a connection of its
 * own. A batch the partition already holds (a replay after a crash, or a second writer during a leadership move) is
 * recognised there: a duplicate is acknowledged once committed, and for an older one the partition's last sequence
 * (DescribeProducers) says what is still missing, which alone is written. Batches to one partition go one at a time,
 * each acknowledged by all replicas before the next, so that only the newest batch of this producer can be
 * uncommitted; partitions are written in parallel. Blocking: runs on the I/O executor.
 */
final class SequencedWriter implements AutoCloseable {

    /** Produce v11: topics by name (v13 names them by id). */
    private static final short PRODUCE_VERSION = 11;
    private static final int REQUEST_TIMEOUT_MS = 30_000;
    private static final long DEADLINE_MS = 60_000;
    private static final long MAX_BACKOFF_MS = 1_000;

    private final Loopback kafka;
    private final ExecutorService io;
    private final String clientId;
    private final Map<TopicPartition, Node> leaders = new HashMap<>();          // guarded by this
    private final Map<String, BrokerChannel> channels = new HashMap<>();        // guarded by this
    private boolean closed;                                                     // guarded by this

    SequencedWriter(final Loopback kafka, final ExecutorService io, final String clientId) {
        this.kafka = kafka;
        this.io = io;
        this.clientId = clientId;
    }

    /** Completes when every batch is held, acknowledged by all in-sync replicas, by its partition. */
    CompletableFuture<Void> write(final List<OutputPlan.Batch> batches) {
        if (batches.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        final Map<TopicPartition, List<OutputPlan.Batch>> byPartition = new HashMap<>();
        for (final OutputPlan.Batch b : batches) {
            byPartition.computeIfAbsent(new TopicPartition(b.topic(), b.partition()), k -> new ArrayList<>()).add(b);
        }
        final List<CompletableFuture<Void>> all = new ArrayList<>(byPartition.size());
        byPartition.forEach((tp, inOrder) -> all.add(CompletableFuture.runAsync(() -> {
            for (final OutputPlan.Batch b : inOrder) {
                writeOne(tp, b);
            }
        }, io)));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void writeOne(final TopicPartition tp, final OutputPlan.Batch planned) {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        OutputPlan.Batch batch = planned;
        long backoff = 50;
        String lastProblem = "";
        while (System.currentTimeMillis() < deadline) {
            final Errors error;
            try {
                error = produce(tp, batch);
            } catch (IOException | RuntimeException e) {
                forgetLeader(tp);
                lastProblem = e.getMessage();
                backoff = pause(backoff);
                continue;
            }
            switch (error) {
                case NONE, DUPLICATE_SEQUENCE_NUMBER -> {
                    return;
                }
                case OUT_OF_ORDER_SEQUENCE_NUMBER -> {
                    final int held = lastSequence(tp, batch.producerId());
                    if (held >= batch.lastSequence()) {
                        if (batch.payloads().size() == 1) {
                            return;   // older than the batches the partition remembers, so committed long since
                        }
                        // Held, perhaps not committed yet: its last record alone is recognised as a duplicate while
                        // among the remembered batches, and acknowledged once committed.
                        batch = batch.from(batch.lastSequence());
                        continue;
                    }
                    if (held < batch.baseSequence() - 1) {
                        throw new IllegalStateException(tp + " holds this transform's outputs up to sequence " + held
                                + ", but the next to write is " + batch.baseSequence() + ": outputs are missing");
                    }
                    if (held >= batch.baseSequence()) {
                        batch = batch.from(held + 1);   // the start is there (another writer cut it differently)
                    }
                }
                case NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION, REQUEST_TIMED_OUT,
                     NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, KAFKA_STORAGE_ERROR,
                     UNKNOWN_SERVER_ERROR, NETWORK_EXCEPTION -> {
                    forgetLeader(tp);
                    lastProblem = error.message();
                    backoff = pause(backoff);
                }
                default -> throw new IllegalStateException("writing to " + tp + " failed: " + error.message());
            }
        }
        throw new IllegalStateException("writing to " + tp + " timed out after " + DEADLINE_MS + " ms: " + lastProblem);
    }

    private Errors produce(final TopicPartition tp, final OutputPlan.Batch batch) throws IOException {
        final ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(REQUEST_TIMEOUT_MS);
        final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(tp.topic());
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition())
                .setRecords(encode(batch)));
        data.topicData().add(topic);
        final ProduceResponse response = (ProduceResponse) channel(tp)
                .send(ProduceRequest.builder(data).build(PRODUCE_VERSION));
        for (final ProduceResponseData.TopicProduceResponse t : response.data().responses()) {
            for (final ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                return Errors.forCode(p.errorCode());
            }
        }
        throw new IOException("produce response without partition " + tp);
    }

    /** One idempotent batch (create time now, no compression) of the guest-written payloads. */
    static MemoryRecords encode(final OutputPlan.Batch batch) {
        int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        for (final byte[] p : batch.payloads()) {
            size += p.length + 32;
        }
        final MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(size),
                RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE, TimestampType.CREATE_TIME, 0L,
                RecordBatch.NO_TIMESTAMP, batch.producerId(), (short) 0, batch.baseSequence(), false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        final long now = System.currentTimeMillis();
        for (final byte[] payload : batch.payloads()) {
            append(builder, now, payload);
        }
        return builder.build();
    }

    /** A payload (key, value, headers; checked by the host when the guest wrote it) as a record. */
    private static void append(final MemoryRecordsBuilder builder, final long timestamp, final byte[] payload) {
        final ByteBuffer in = ByteBuffer.wrap(payload);
        final ByteBuffer key = slice(in);
        final ByteBuffer value = slice(in);
        final int count = ByteUtils.readVarint(in);
        final Header[] headers = new Header[count];
        for (int i = 0; i < count; i++) {
            final ByteBuffer name = slice(in);
            final ByteBuffer headerValue = slice(in);
            headers[i] = new RecordHeader(name, headerValue);
        }
        builder.append(timestamp, key, value, headers);
    }

    private static ByteBuffer slice(final ByteBuffer in) {
        final int length = ByteUtils.readVarint(in);
        if (length < 0) {
            return null;
        }
        final ByteBuffer part = in.slice(in.position(), length);
        in.position(in.position() + length);
        return part;
    }

    /** The last sequence of {@code producerId} that the partition holds; -1 when it holds none. */
    private int lastSequence(final TopicPartition tp, final long producerId) {
        try {
            final List<ProducerState> producers = kafka.admin().describeProducers(List.of(tp)).partitionResult(tp)
                    .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).activeProducers();
            for (final ProducerState p : producers) {
                if (p.producerId() == producerId) {
                    return p.lastSequence();
                }
            }
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("DescribeProducers on " + tp + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private BrokerChannel channel(final TopicPartition tp) throws IOException {
        final Node leader = leader(tp);
        final String address = leader.host() + ":" + leader.port();
        synchronized (this) {
            if (closed) {
                throw new IOException("closed");
            }
            final BrokerChannel open = channels.get(address);
            if (open != null && open.isOpen()) {
                return open;
            }
        }
        final BrokerChannel fresh = new BrokerChannel(leader.host(), leader.port(), clientId, REQUEST_TIMEOUT_MS + 5_000,
                kafka.channelSecurity());
        synchronized (this) {
            final BrokerChannel raced = channels.get(address);
            if (closed || (raced != null && raced.isOpen())) {
                fresh.close();
                if (closed) {
                    throw new IOException("closed");
                }
                return raced;
            }
            channels.put(address, fresh);
            return fresh;
        }
    }

    private Node leader(final TopicPartition tp) throws IOException {
        synchronized (this) {
            final Node known = leaders.get(tp);
            if (known != null) {
                return known;
            }
        }
        final TopicDescription topic;
        try {
            topic = kafka.admin().describeTopics(List.of(tp.topic())).allTopicNames()
                    .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(tp.topic());
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no metadata for " + tp + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        for (final TopicPartitionInfo p : topic.partitions()) {
            if (p.partition() == tp.partition() && p.leader() != null && !p.leader().isEmpty()) {
                synchronized (this) {
                    leaders.put(tp, p.leader());
                }
                return p.leader();
            }
        }
        throw new IOException(tp + " has no leader");
    }

    private synchronized void forgetLeader(final TopicPartition tp) {
        final Node leader = leaders.remove(tp);
        if (leader != null) {
            final BrokerChannel channel = channels.remove(leader.host() + ":" + leader.port());
            if (channel != null) {
                channel.close();
            }
        }
    }

    private static long pause(final long backoff) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return Math.min(MAX_BACKOFF_MS, backoff * 2);
    }

    @Override
    public synchronized void close() {
        closed = true;
        channels.values().forEach(BrokerChannel::close);
        channels.clear();
    }
}
