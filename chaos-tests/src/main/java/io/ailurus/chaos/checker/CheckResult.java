package io.ailurus.chaos.checker;

import java.util.List;

/** The outcome of one row of the anomaly table (A1…A15). */
public record CheckResult(String code, String name, Status status, List<Anomaly> anomalies, String note) {

    public enum Status {
        /** Looked, found nothing. */
        PASS,
        /** Found anomalies that break the promise: the run is invalid. */
        FAIL,
        /** Found anomalies that are legal in this configuration (e.g. poll skips under subscribe); reported only. */
        ALLOWED,
        /** The data this row needs does not exist in this run (e.g. replica logs on a single node). */
        NOT_CHECKED
    }

    public CheckResult {
        anomalies = List.copyOf(anomalies);
    }

    /** PASS when empty, else FAIL (or ALLOWED when {@code bad} is false). */
    public static CheckResult of(final String code, final String name, final List<Anomaly> found, final boolean bad) {
        final Status s = found.isEmpty() ? Status.PASS : bad ? Status.FAIL : Status.ALLOWED;
        return new CheckResult(code, name, s, found, "");
    }

    public static CheckResult notChecked(final String code, final String name, final String why) {
        return new CheckResult(code, name, Status.NOT_CHECKED, List.of(), why);
    }
}
