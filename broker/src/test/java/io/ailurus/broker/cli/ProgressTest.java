package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final StringWriter text = new StringWriter();

    private Progress progress(final boolean enabled) {
        return new Progress(new PrintWriter(text), enabled, clock::get);
    }

    private void advanceMillis(final long ms) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void printsAtMostEvery500Milliseconds() {
        final Progress p = progress(true);
        p.update(1, 100);
        assertEquals("", text.toString(), "nothing before the first interval");
        advanceMillis(500);
        p.update(1_000, 1_000_000);
        assertEquals("\r1,000 records  2.00 MB/s", text.toString());
        advanceMillis(499);
        p.update(2_000, 2_000_000);
        assertEquals("\r1,000 records  2.00 MB/s", text.toString());
        advanceMillis(1);
        p.update(2_000, 2_000_000);
        assertEquals("\r1,000 records  2.00 MB/s\r2,000 records  2.00 MB/s", text.toString());
    }

    @Test
    void aShorterLineOverwritesTheRestOfTheLongerOne() {
        final Progress p = progress(true);
        advanceMillis(1000);
        p.update(1_000_000, 10_000_000);
        text.getBuffer().setLength(0);
        advanceMillis(9000);
        p.update(1_000_001, 10_000_010);
        assertEquals("\r1,000,001 records  1.00 MB/s ", text.toString());
    }

    @Test
    void finishClearsTheLine() {
        final Progress p = progress(true);
        advanceMillis(500);
        p.update(7, 0);
        text.getBuffer().setLength(0);
        p.finish();
        final String line = "7 records  0.00 MB/s";
        assertEquals("\r" + " ".repeat(line.length()) + "\r", text.toString());
        text.getBuffer().setLength(0);
        p.finish();
        assertEquals("", text.toString(), "nothing left to clear");
    }

    @Test
    void suspendClearsTheLineAndTheNextUpdateRedrawsItAtOnce() {
        final Progress p = progress(true);
        p.suspend();
        assertEquals("", text.toString(), "nothing shown, nothing to clear");
        advanceMillis(500);
        p.update(5, 0);
        text.getBuffer().setLength(0);
        p.suspend();
        final String line = "5 records  0.00 MB/s";
        assertEquals("\r" + " ".repeat(line.length()) + "\r", text.toString());
        text.getBuffer().setLength(0);
        advanceMillis(1);
        p.update(6, 0);
        assertEquals("\r6 records  0.00 MB/s", text.toString(), "redrawn without waiting for the interval");
        text.getBuffer().setLength(0);
        advanceMillis(1);
        p.update(7, 0);
        assertEquals("", text.toString(), "then rate-limited again");
    }

    @Test
    void disabledPrintsNothing() {
        final Progress p = progress(false);
        for (int i = 0; i < 10; i++) {
            advanceMillis(600);
            p.update(i, i);
        }
        p.finish();
        assertEquals("", text.toString());
    }

    @Test
    void summaryLine() {
        assertEquals("sent 1,000 records (12.3 kB) in 0.50 s (0.02 MB/s)",
                Progress.summary("sent", 1000, 12_300, 500_000_000L));
        assertEquals("consumed 1 record (5 B) in 0.00 s (0.00 MB/s)", Progress.summary("consumed", 1, 5, 0));
    }

    @Test
    void humanBytes() {
        assertEquals("999 B", Progress.humanBytes(999));
        assertEquals("1.0 kB", Progress.humanBytes(1000));
        assertEquals("2.5 MB", Progress.humanBytes(2_500_000));
        assertEquals("3.0 GB", Progress.humanBytes(3_000_000_000L));
    }
}
