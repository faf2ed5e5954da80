package io.ailurus.wasm.runtime;

/**
 * The guards of one guest VM. {@code maxMemoryBytes} caps its linear memory (modules built with the standard Go
 * toolchain start at about 17 MiB, so the default is far above Redpanda's 2 MiB); {@code batchBudgetMs} is the wall
 * time the guest may spend on one batch (or on its start-up) before it is stopped.
 */
public record VmLimits(long maxMemoryBytes, long batchBudgetMs) {

    public static final long PAGE_BYTES = 64 * 1024;

    public static VmLimits defaults() {
        return new VmLimits(64L << 20, 3_000);
    }

    public VmLimits {
        if (maxMemoryBytes < PAGE_BYTES) {
            throw new IllegalArgumentException("a VM needs at least one 64 KiB page of memory");
        }
        if (batchBudgetMs <= 0) {
            throw new IllegalArgumentException("the batch budget must be positive");
        }
    }

    int maxPages() {
        return (int) Math.min(65_536, maxMemoryBytes / PAGE_BYTES);
    }
}
