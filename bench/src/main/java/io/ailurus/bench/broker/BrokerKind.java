package io.ailurus.bench.broker;

import java.util.Locale;

/** The two brokers the benchmark compares. */
public enum BrokerKind {
    AILURUS("ailurus"),
    KAFKA("kafka");

    private final String label;

    BrokerKind(final String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static BrokerKind parse(final String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "ailurus" -> AILURUS;
            case "kafka" -> KAFKA;
            default -> throw new IllegalArgumentException("unknown broker " + text + "; known: ailurus, kafka");
        };
    }
}
