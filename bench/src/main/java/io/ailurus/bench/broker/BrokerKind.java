package io.ailurus.bench.broker;

import java.util.Locale;

/**
 * The brokers the benchmark compares: ailurus, Apache Kafka as configured by default (no fsync on the produce path),
 * and, on request only, Kafka with an fsync after every append ({@code log.flush.interval.messages=1}), which
 * acknowledges only what is on disk, as ailurus does at acks=all.
 */
public enum BrokerKind {
    AILURUS("ailurus"),
    KAFKA("kafka"),
    KAFKA_FSYNC("kafka-fsync");

    private final String label;

    BrokerKind(final String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether this is Apache Kafka (started from its jars), in either configuration. */
    public boolean isKafka() {
        return this != AILURUS;
    }

    public static BrokerKind parse(final String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "ailurus" -> AILURUS;
            case "kafka" -> KAFKA;
            case "kafka-fsync" -> KAFKA_FSYNC;
            default -> throw new IllegalArgumentException("unknown broker " + text
                    + "; known: ailurus, kafka, kafka-fsync");
        };
    }
}
