package io.ailurus.wasm.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ailurus.wasm.runtime.GuestLog;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transforms' own logs: what a guest writes to stdout (INFO) and stderr (WARN), and what the host says of it
 * (errors, restarts), as JSON records in {@value InternalTopics#LOGS} keyed by the transform's name, as Redpanda's
 * {@code transform_logs}. Read them with {@code ailurus transform logs NAME}.
 */
final class TransformLogs {

    private static final Logger LOG = LoggerFactory.getLogger(TransformLogs.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Loopback kafka;
    private final InternalTopics topics;
    private final int nodeId;
    private final AtomicBoolean ready = new AtomicBoolean();

    TransformLogs(final Loopback kafka, final InternalTopics topics, final int nodeId) {
        this.kafka = kafka;
        this.topics = topics;
        this.nodeId = nodeId;
    }

    /** The log of one transform partition's guest. */
    GuestLog guest(final String transform, final int partition) {
        return (stderr, line) -> write(transform, partition, stderr ? "WARN" : "INFO", line);
    }

    void host(final String transform, final int partition, final String level, final String message) {
        write(transform, partition, level, message);
    }

    private void write(final String transform, final int partition, final String level, final String message) {
        if (!ready.get()) {
            topics.ensure(InternalTopics.LOGS, Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)))
                    .whenComplete((ok, failure) -> ready.compareAndSet(false, failure == null));
        }
        final ObjectNode event = JSON.createObjectNode();
        event.put("transform", transform);
        event.put("partition", partition);
        event.put("node", nodeId);
        event.put("level", level);
        event.put("time_ms", System.currentTimeMillis());
        event.put("message", message);
        try {
            kafka.producer().send(new ProducerRecord<>(InternalTopics.LOGS, 0,
                    transform.getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(event)), (m, e) -> {
                        if (e != null) {
                            LOG.debug("transform log line of {} not written: {}", transform, e.toString());
                        }
                    });
        } catch (Exception e) {
            LOG.debug("transform log line of {} not written: {}", transform, e.toString());
        }
    }
}
