package io.ailurus.wasm.node;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** What every transform partition of the node shares. */
record TransformServices(TransformConfig config, BinaryCache binaries, OutputWriter outputs, ProgressStore progress,
                         StartPositions starts, ExecutorService io, ScheduledExecutorService watchdog,
                         StatusBoard statuses, TransformLogs logs) {
}
