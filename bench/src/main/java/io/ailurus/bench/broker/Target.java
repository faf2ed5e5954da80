package io.ailurus.bench.broker;

/**
 * The goal for one row of the comparison, as a bound on the ratio ailurus / Kafka: at least 1 where more is better
 * (throughput), at most 1 where less is better (latency), or none (for information).
 */
public enum Target {
    NONE(""),
    AT_LEAST_ONE(">= 1.00"),
    AT_MOST_ONE("<= 1.00");

    private final String text;

    Target(final String text) {
        this.text = text;
    }

    /** "" when there is no goal or no ratio, else the bound and "ok" or "MISS". */
    public String verdict(final double ratio) {
        if (this == NONE || Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return text;
        }
        final boolean met = this == AT_LEAST_ONE ? ratio >= 1.0 : ratio <= 1.0;
        return text + (met ? " ok" : " MISS");
    }
}
