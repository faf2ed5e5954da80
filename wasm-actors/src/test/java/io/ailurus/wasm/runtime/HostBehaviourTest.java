package io.ailurus.wasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.wasm.abi.OutputRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a guest sees of the host: output topics chosen by name, its environment, its clock and its randomness. */
class HostBehaviourTest {

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final List<String> logs = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        watchdog.shutdownNow();
    }

    private TransformVm start(final String onRecord, final List<String> outputs) throws Exception {
        final TransformBinary binary = TransformBinary.load(WatModules.transform(onRecord), VmLimits.defaults());
        final TransformVm vm = TransformVm.start(binary, new GuestEnvironment("router", "orders", outputs,
                Map.of("REGION", "eu")), VmLimits.defaults(), (stderr, line) -> logs.add(line), watchdog);
        vm.ready().get(10, TimeUnit.SECONDS);
        return vm;
    }

    @Test
    void recordsGoToTheOutputTopicTheGuestNames() throws Exception {
        final String router = """
                (data (i32.const 3000) "\\01\\08even")
                (data (i32.const 3010) "\\01\\06odd")
                (func $on_record (param $len i32)
                  (if (i32.eqz (i32.and (i32.wrap_i64 (i64.load (i32.const 116))) (i32.const 1)))
                    (then (drop (call $write_to (i32.const 1024) (local.get $len) (i32.const 3000) (i32.const 6))))
                    (else (drop (call $write_to (i32.const 1024) (local.get $len) (i32.const 3010) (i32.const 5))))))
                """;
        try (TransformVm vm = start(router, List.of("all", "even", "odd"))) {
            final List<byte[]> in = List.of(TestBatches.valueOnly("a"), TestBatches.valueOnly("b"),
                    TestBatches.valueOnly("c"));
            final List<OutputRecord> out = vm.process(TestBatches.batch(10, in)).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(1, 2, 1), out.stream().map(OutputRecord::topicIndex).toList());
            assertEquals(TestBatches.hex(in.get(1)), TestBatches.hex(out.get(1).payload()));
        }
    }

    @Test
    void theEnvironmentHoldsTheDeployVariablesAndTheTopics() throws Exception {
        final String printsEnvironment = """
                (data (i32.const 3060) "\\n")
                (func $on_record (param $len i32)
                  (drop (call $env_sizes (i32.const 3000) (i32.const 3004)))
                  (drop (call $env_get (i32.const 3100) (i32.const 4000)))
                  (i32.store (i32.const 3040) (i32.const 4000))
                  (i32.store (i32.const 3044) (i32.sub (i32.load (i32.const 3004)) (i32.const 1)))
                  (i32.store (i32.const 3048) (i32.const 3060))
                  (i32.store (i32.const 3052) (i32.const 1))
                  (drop (call $fd_write (i32.const 1) (i32.const 3040) (i32.const 2) (i32.const 3200))))
                """;
        try (TransformVm vm = start(printsEnvironment, List.of("a", "b"))) {
            vm.process(TestBatches.batch(0, List.of(TestBatches.valueOnly("x")))).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(List.of("REGION=eu", "REDPANDA_INPUT_TOPIC=orders", "REDPANDA_OUTPUT_TOPIC_0=a",
                    "REDPANDA_OUTPUT_TOPIC_1=b")), logs.stream().map(l -> List.of(l.split("\0"))).toList());
        }
    }

    @Test
    void theClockReadsTheRecordTimestampAndRandomnessIsFixed() throws Exception {
        final String stamps = """
                (data (i32.const 3000) "\\01\\18")
                (func $on_record (param $len i32)
                  (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 3002)))
                  (drop (call $random (i32.const 3010) (i32.const 4)))
                  (i32.store8 (i32.const 3014) (i32.const 0))
                  (drop (call $write (i32.const 3000) (i32.const 15))))
                """;
        try (TransformVm vm = start(stamps, List.of("out"))) {
            final List<OutputRecord> out = vm.process(TestBatches.batch(5, List.of(TestBatches.valueOnly("x"))))
                    .get(10, TimeUnit.SECONDS);
            final ByteBuffer value = ByteBuffer.wrap(out.get(0).payload(), 2, 12).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals((TestBatches.BASE_TIMESTAMP + 5) * 1_000_000, value.getLong());
            assertEquals(0x09090909, value.getInt());
            assertTrue(vm.failure().isEmpty());
        }
    }
}
