package io.ailurus.wasm.runtime;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.abi.OutputRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One running guest: a Chicory instance of a {@link TransformBinary} on a thread of its own, because the guest drives
 * the loop and blocks in {@code read_batch_header} between batches (no Pekko dispatcher thread is ever held by it).
 * The host hands batches over with {@link #process} and gets each batch's outputs once the guest asks for the next.
 *
 * <p>A batch (or the start-up) that runs past the budget has its thread interrupted, which Chicory's compiled code
 * notices at loop heads and calls. Any trap, exit, interrupt or memory refusal ends the VM for good: its pending and
 * later batches fail with the {@link VmFailure}; the supervisor starts a fresh VM.
 */
public final class TransformVm implements AutoCloseable {

    private static final long GUEST_STACK_BYTES = 8L << 20;

    private final TransformBinary binary;
    private final VmLimits limits;
    private final ScheduledExecutorService watchdog;
    private final GuestSession session;
    private final Thread thread;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Object lock = new Object();
    private GuestSession.Work running;           // guarded by lock: the batch the budget is armed for
    private ScheduledFuture<?> budget;           // guarded by lock
    private boolean overBudget;                  // guarded by lock
    private boolean closing;                     // guarded by lock
    private VmFailure failure;                   // guarded by lock

    private TransformVm(final TransformBinary binary, final GuestEnvironment environment, final VmLimits limits,
                        final GuestLog log, final ScheduledExecutorService watchdog) {
        this.binary = binary;
        this.limits = limits;
        this.watchdog = watchdog;
        this.session = new GuestSession(environment, log, new GuestSession.Listener() {
            @Override
            public void batchTaken(final GuestSession.Work work) {
                arm(work);
            }

            @Override
            public void batchDone(final GuestSession.Work work) {
                disarm();
            }

            @Override
            public void waiting() {
                disarm();
                ready.complete(null);
            }
        });
        this.thread = new Thread(null, this::run, "transform-" + environment.transformName(), GUEST_STACK_BYTES);
        this.thread.setDaemon(true);
    }

    /** Starts the guest; {@link #ready()} completes once it waits for its first batch. */
    public static TransformVm start(final TransformBinary binary, final GuestEnvironment environment,
                                    final VmLimits limits, final GuestLog log,
                                    final ScheduledExecutorService watchdog) {
        final TransformVm vm = new TransformVm(binary, environment, limits, log, watchdog);
        vm.arm(null);
        vm.thread.start();
        return vm;
    }

    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Hands a batch to the guest; completes with what it wrote for the batch, in order, or fails with the VM. */
    public CompletableFuture<List<OutputRecord>> process(final InputBatch batch) {
        final GuestSession.Work work = new GuestSession.Work(batch, new CompletableFuture<>());
        synchronized (lock) {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            session.hand(work);
        }
        return work.outputs();
    }

    /** Why the VM stopped, once it has. */
    public Optional<VmFailure> failure() {
        synchronized (lock) {
            return Optional.ofNullable(failure);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (failure != null || closing) {
                return;
            }
            closing = true;
        }
        thread.interrupt();
    }

    private void run() {
        VmFailure end;
        try {
            final Instance instance = Instance.builder(binary.module())
                    .withImportValues(HostImports.bind(binary.module(), session))
                    .withMachineFactory(binary.machines())
                    .withMemoryLimits(new MemoryLimits(binary.initialPages(), limits.maxPages()))
                    .withStart(false)
                    .build();
            instance.export("_start").apply();
            end = new VmFailure(VmFailure.Cause.EXIT, "the transform returned from _start" + hint());
        } catch (Throwable t) {
            end = classify(t);
        }
        session.flushLogs();
        die(end);
    }

    private VmFailure classify(final Throwable thrown) {
        Throwable t = thrown;
        while (t.getCause() != null && !(t instanceof Wasi.GuestExit) && !(t instanceof GuestSession.Stopped)) {
            t = t.getCause();
        }
        final boolean stopped;
        final boolean timedOut;
        synchronized (lock) {
            stopped = closing;
            timedOut = overBudget;
        }
        if (t instanceof OutOfMemoryError || hint().contains("out of memory")) {
            return new VmFailure(VmFailure.Cause.OUT_OF_MEMORY, "the transform ran out of memory (at most "
                    + (limits.maxMemoryBytes() >> 20) + " MiB)" + hint());
        }
        if (timedOut) {
            return new VmFailure(VmFailure.Cause.TIME_BUDGET, "the transform spent more than "
                    + limits.batchBudgetMs() + " ms on one batch");
        }
        if (stopped || t instanceof GuestSession.Stopped || t instanceof ChicoryInterruptedException) {
            return new VmFailure(VmFailure.Cause.STOPPED, "stopped");
        }
        if (t instanceof Wasi.GuestExit exit) {
            return new VmFailure(VmFailure.Cause.EXIT, "the transform exited with code " + exit.code + hint());
        }
        final String message = thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage();
        return new VmFailure(VmFailure.Cause.TRAP, "the transform trapped: " + message + hint());
    }

    private String hint() {
        final String line = session.firstStderrLine();
        return line.isEmpty() ? "" : " (stderr: " + line + ")";
    }

    private void die(final VmFailure end) {
        final List<GuestSession.Work> pending;
        synchronized (lock) {
            failure = end;
            if (budget != null) {
                budget.cancel(false);
            }
            pending = session.drainInbox();
        }
        ready.completeExceptionally(end);
        final GuestSession.Work current = session.current();
        if (current != null) {
            current.outputs().completeExceptionally(end);
        }
        pending.forEach(w -> w.outputs().completeExceptionally(end));
    }

    /** Starts the budget of a batch ({@code null}: the start-up). Interrupts the guest if it is still on it then. */
    private void arm(final GuestSession.Work work) {
        synchronized (lock) {
            running = work;
            budget = watchdog.schedule(() -> {
                synchronized (lock) {
                    if (running == work && budget != null && !closing && failure == null) {
                        overBudget = true;
                        thread.interrupt();
                    }
                }
            }, limits.batchBudgetMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void disarm() {
        synchronized (lock) {
            if (budget != null) {
                budget.cancel(false);
                budget = null;
            }
            running = null;
        }
    }
}
