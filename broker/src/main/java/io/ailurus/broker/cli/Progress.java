package io.ailurus.broker.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The progress line of {@code produce} and {@code consume}: one line on stderr, rewritten in place ({@code \r}) at
 * most every 500 ms with the records so far and the average MB/s since the start. Shown when the command runs on a
 * terminal or on {@code --progress}; otherwise every call is a no-op. Also formats the closing summary line.
 */
final class Progress {

    static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final PrintWriter err;
    private final boolean enabled;
    private final LongSupplier nanoClock;
    private final long startNs;
    private long lastPrintNs;
    private int lastWidth;
    private boolean redrawNow;

    Progress(final PrintWriter err, final boolean enabled, final LongSupplier nanoClock) {
        this.err = err;
        this.enabled = enabled;
        this.nanoClock = nanoClock;
        this.startNs = nanoClock.getAsLong();
        this.lastPrintNs = startNs;
    }

    /** Shown on a terminal ({@code System.console() != null}) or when {@code forced}. */
    static Progress create(final PrintWriter err, final boolean forced) {
        return new Progress(err, forced || System.console() != null, System::nanoTime);
    }

    void update(final long records, final long bytes) {
        if (!enabled) {
            return;
        }
        final long now = nanoClock.getAsLong();
        if (!redrawNow && now - lastPrintNs < INTERVAL_NS) {
            return;
        }
        redrawNow = false;
        lastPrintNs = now;
        final String line = String.format(Locale.ROOT, "%,d records  %.2f MB/s", records,
                megabytesPerSecond(bytes, now - startNs));
        err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        err.flush();
        lastWidth = line.length();
    }

    /**
     * Clears the line before other output to the same terminal (the records of {@code consume}); the next
     * {@link #update} draws it again at once, below that output.
     */
    void suspend() {
        if (lastWidth > 0) {
            finish();
            redrawNow = true;
        }
    }

    /** Clears the progress line, so that what follows starts on a clean line. */
    void finish() {
        if (lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
            lastWidth = 0;
        }
    }

    long elapsedNs() {
        return nanoClock.getAsLong() - startNs;
    }

    /** For example {@code sent 1,000 records (12.3 kB) in 0.42 s (0.03 MB/s)}. */
    static String summary(final String verb, final long records, final long bytes, final long elapsedNs) {
        return String.format(Locale.ROOT, "%s %,d record%s (%s) in %.2f s (%.2f MB/s)", verb, records,
                records == 1 ? "" : "s", humanBytes(bytes), elapsedNs / 1e9, megabytesPerSecond(bytes, elapsedNs));
    }

    static String humanBytes(final long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        final String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double value = bytes / 1000.0;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static double megabytesPerSecond(final long bytes, final long elapsedNs) {
        return elapsedNs <= 0 ? 0 : bytes / 1e6 / (elapsedNs / 1e9);
    }
}
