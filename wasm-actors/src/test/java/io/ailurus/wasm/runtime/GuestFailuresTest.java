package io.ailurus.wasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.wasm.abi.OutputRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What happens to a VM whose guest misbehaves: it ends with a cause a person can read, and only it ends. */
class GuestFailuresTest {

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final List<String> logs = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        watchdog.shutdownNow();
    }

    private TransformVm start(final String onRecord, final VmLimits limits) throws Exception {
        final TransformBinary binary = TransformBinary.load(WatModules.transform(onRecord), limits);
        final TransformVm vm = TransformVm.start(binary, new GuestEnvironment("t", "in", List.of("out"), Map.of()),
                limits, (stderr, line) -> logs.add((stderr ? "err: " : "out: ") + line), watchdog);
        vm.ready().get(10, TimeUnit.SECONDS);
        return vm;
    }

    private static VmFailure failureOf(final TransformVm vm) {
        final ExecutionException e = assertThrows(ExecutionException.class, () -> vm.process(
                TestBatches.batch(0, List.of(TestBatches.valueOnly("x")))).get(10, TimeUnit.SECONDS));
        return assertInstanceOf(VmFailure.class, e.getCause());
    }

    @Test
    void aTrapEndsTheVmAndEveryLaterBatchFailsWithIt() throws Exception {
        try (TransformVm vm = start("(func $on_record (param $len i32) unreachable)", VmLimits.defaults())) {
            final VmFailure failure = failureOf(vm);
            assertEquals(VmFailure.Cause.TRAP, failure.failureCause());
            assertTrue(failure.getMessage().contains("trapped"), failure.getMessage());
            assertEquals(failure, failureOf(vm));
            assertEquals(failure, vm.failure().orElseThrow());
        }
    }

    @Test
    void anExitIsReportedWithTheFirstLineTheGuestWroteToStderr() throws Exception {
        final String exits = """
                (data (i32.const 3000) "panic: boom\\n")
                (data (i32.const 3100) "\\b8\\0b\\00\\00\\0c\\00\\00\\00")
                (func $on_record (param $len i32)
                  (drop (call $fd_write (i32.const 2) (i32.const 3100) (i32.const 1) (i32.const 3200)))
                  (call $exit (i32.const 2)))
                """;
        try (TransformVm vm = start(exits, VmLimits.defaults())) {
            final VmFailure failure = failureOf(vm);
            assertEquals(VmFailure.Cause.EXIT, failure.failureCause());
            assertEquals("the transform exited with code 2 (stderr: panic: boom)", failure.getMessage());
            assertEquals(List.of("err: panic: boom"), logs);
        }
    }

    @Test
    void aGuestThatNeverFinishesItsBatchIsStoppedAtTheBudget() throws Exception {
        final VmLimits limits = new VmLimits(64L << 20, 300);
        try (TransformVm vm = start("(func $on_record (param $len i32) (loop $forever (br $forever)))", limits)) {
            final long started = System.nanoTime();
            final VmFailure failure = failureOf(vm);
            assertEquals(VmFailure.Cause.TIME_BUDGET, failure.failureCause());
            assertEquals("the transform spent more than 300 ms on one batch", failure.getMessage());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 300);
        }
    }

    @Test
    void memoryStopsGrowingAtTheCapAndTheGuestSeesTheRefusal() throws Exception {
        final String grows = """
                (data (i32.const 3000) "fatal error: out of memory\\n")
                (data (i32.const 3100) "\\b8\\0b\\00\\00\\1b\\00\\00\\00")
                (func $on_record (param $len i32)
                  (block $refused
                    (loop $grow
                      (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                      (br $grow)))
                  (if (i32.ne (memory.size) (i32.const 32)) (then unreachable))
                  (drop (call $fd_write (i32.const 2) (i32.const 3100) (i32.const 1) (i32.const 3200)))
                  (call $exit (i32.const 2)))
                """;
        try (TransformVm vm = start(grows, new VmLimits(2L << 20, 3_000))) {
            final VmFailure failure = failureOf(vm);
            assertEquals(VmFailure.Cause.OUT_OF_MEMORY, failure.failureCause(), failure.getMessage());
            assertTrue(failure.getMessage().contains("at most 2 MiB"), failure.getMessage());
        }
    }

    @Test
    void closingAWaitingVmStopsItsThread() throws Exception {
        final TransformVm vm = start("(func $on_record (param $len i32) unreachable)", VmLimits.defaults());
        vm.close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> vm.failure().isPresent());
        assertEquals(VmFailure.Cause.STOPPED, vm.failure().get().failureCause());
    }

    @Test
    void returnCodesTellTheGuestWhatWasRefused() throws Exception {
        final String checks = """
                (data (i32.const 3000) "\\03")
                (data (i32.const 3010) "\\01\\08nope")
                (func $on_record (param $len i32)
                  (if (i32.ne (call $write (i32.const 3000) (i32.const 1)) (i32.const -2)) (then unreachable))
                  (if (i32.ne (call $write_to (i32.const 1024) (local.get $len) (i32.const 3010) (i32.const 6))
                        (i32.const -3)) (then unreachable))
                  (if (i32.ne (call $write_to (i32.const 1024) (local.get $len) (i32.const 3010) (i32.const 1))
                        (i32.const -2)) (then unreachable))
                  (if (i32.ne (call $next (i32.const 100) (i32.const 108) (i32.const 116) (i32.const 1024)
                        (i32.const 2048)) (i32.const -1)) (then unreachable))
                  (if (i32.ne (call $write (i32.const 1024) (local.get $len)) (local.get $len)) (then unreachable)))
                """;
        try (TransformVm vm = start(checks, VmLimits.defaults())) {
            final byte[] payload = TestBatches.valueOnly("kept");
            final List<OutputRecord> out = vm.process(TestBatches.batch(0, List.of(payload))).get(10, TimeUnit.SECONDS);
            assertEquals(1, out.size());
            assertEquals(TestBatches.hex(payload), TestBatches.hex(out.get(0).payload()));
        }
    }
}
