package io.ailurus.wasm.runtime;

/** Why a guest VM stopped running: the status a person sees on an errored transform partition. */
public final class VmFailure extends RuntimeException {

    public enum Cause {
        /** A WebAssembly trap: unreachable, out-of-bounds access, a host function called wrongly. */
        TRAP,
        /** {@code proc_exit} or a return from {@code _start}: a Go panic ends this way. */
        EXIT,
        /** More wall time on one batch (or on start-up) than the VM's budget. */
        TIME_BUDGET,
        /** The guest could not grow its memory within the VM's cap, or the JVM ran out. */
        OUT_OF_MEMORY,
        /** The VM was closed by the host. */
        STOPPED
    }

    private final Cause cause;

    public VmFailure(final Cause cause, final String message) {
        super(message, null, false, false);
        this.cause = cause;
    }

    public Cause failureCause() {
        return cause;
    }

    @Override
    public String toString() {
        return cause.name().toLowerCase(java.util.Locale.ROOT) + ": " + getMessage();
    }
}
