package io.ailurus.wasm.node;

import com.typesafe.config.Config;
import io.ailurus.wasm.runtime.VmLimits;
import java.time.Duration;

/** The node's data transform settings, {@code ailurus.transforms}. */
public record TransformConfig(boolean enabled, VmLimits limits, long maxBinaryBytes, Duration commitInterval,
                              int readMaxBytes) {

    public static TransformConfig from(final Config root) {
        final Config c = root.getConfig("ailurus.transforms");
        return new TransformConfig(c.getBoolean("enabled"),
                new VmLimits(c.getBytes("max-memory"), c.getDuration("batch-budget").toMillis()),
                c.getBytes("max-binary-size"), c.getDuration("commit-interval"),
                Math.toIntExact(c.getBytes("read-max-bytes")));
    }
}
