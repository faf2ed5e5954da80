package io.ailurus.bench;

import java.io.Closeable;
import java.io.IOException;

/**
 * Something the benchmark appends the sample batch to: the raw file (the physical limit) or the SegmentLog (what we
 * measure). {@link #sync} may run on a flusher thread while the writer thread calls {@link #append}.
 */
interface BatchSink extends Closeable {

    /** Appends the sample batch once; returns the bytes written. Writer thread only. */
    int append() throws IOException;

    /** Makes every append that returned before this call durable. Any one thread. */
    void sync() throws IOException;

    /** One line on what was written (files, segments), for the report. */
    String describe();
}
