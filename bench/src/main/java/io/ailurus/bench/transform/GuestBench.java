package io.ailurus.bench.transform;

import io.ailurus.wasm.abi.BatchHeader;
import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.abi.InputRecord;
import io.ailurus.wasm.runtime.GuestEnvironment;
import io.ailurus.wasm.runtime.GuestLog;
import io.ailurus.wasm.runtime.TransformBinary;
import io.ailurus.wasm.runtime.TransformVm;
import io.ailurus.wasm.runtime.VmLimits;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The guest's own speed, without a broker: an identity module built with Redpanda's SDK, on Chicory in this JVM, fed
 * the same batch over and over (16 records of 1 KiB, as a producer batches them), one VM per core. What TransformBench's
 * backlog figure can reach at most on this box: the ceiling of the module itself, against which the broker's share of
 * the cost shows.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.transform.GuestBench
 * </pre>
 */
public final class GuestBench {

    private static final int RECORDS_PER_BATCH = 16;
    private static final int RECORD_BYTES = 1024;
    private static final long WARM_UP_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long MEASURE_NS = TimeUnit.SECONDS.toNanos(20);

    public static void main(final String[] args) throws Exception {
        final int vms = Runtime.getRuntime().availableProcessors();
        System.out.printf("GuestBench: %d VM(s) in parallel, batches of %d records of %d B, %d s warm-up, %d s%n",
                vms, RECORDS_PER_BATCH, RECORD_BYTES, TimeUnit.NANOSECONDS.toSeconds(WARM_UP_NS),
                TimeUnit.NANOSECONDS.toSeconds(MEASURE_NS));
        for (final String module : List.of("go-identity.wasm", "rust-identity.wasm")) {
            final double recordsPerSecond = run(Path.of("examples", "transforms", "modules", module), vms);
            System.out.printf("  %-20s %9.0f records/s  %6.1f MB/s%n", module, recordsPerSecond,
                    recordsPerSecond * RECORD_BYTES / 1e6);
        }
    }

    private static double run(final Path module, final int vms) throws Exception {
        final TransformBinary binary = TransformBinary.load(Files.readAllBytes(module), VmLimits.defaults());
        final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        final AtomicLong measured = new AtomicLong();
        final List<Thread> drivers = new ArrayList<>();
        try {
            for (int i = 0; i < vms; i++) {
                final TransformVm vm = TransformVm.start(binary, new GuestEnvironment("bench", "in", List.of("out"),
                        Map.of()), VmLimits.defaults(), GuestLog.DISCARD, watchdog);
                vm.ready().get(60, TimeUnit.SECONDS);
                final Thread driver = new Thread(() -> drive(vm, measured), "driver-" + i);
                drivers.add(driver);
            }
            drivers.forEach(Thread::start);
            for (final Thread d : drivers) {
                d.join();
            }
        } finally {
            watchdog.shutdownNow();
        }
        return measured.get() / (MEASURE_NS / 1e9);
    }

    private static void drive(final TransformVm vm, final AtomicLong measured) {
        try (vm) {
            final long start = System.nanoTime();
            long offset = 0;
            while (System.nanoTime() - start < WARM_UP_NS + MEASURE_NS) {
                final boolean counted = System.nanoTime() - start >= WARM_UP_NS;
                final int outputs = vm.process(batch(offset)).get(30, TimeUnit.SECONDS).size();
                if (outputs != RECORDS_PER_BATCH) {
                    throw new IllegalStateException(outputs + " outputs for " + RECORDS_PER_BATCH + " records");
                }
                offset += RECORDS_PER_BATCH;
                if (counted) {
                    measured.addAndGet(RECORDS_PER_BATCH);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A batch as the broker hands it over: payloads (no key, a 1 KiB value, no headers) in one buffer. */
    private static InputBatch batch(final long baseOffset) {
        final ByteBuffer payloads = ByteBuffer.allocate(RECORDS_PER_BATCH * (RECORD_BYTES + 8));
        final List<InputRecord> records = new ArrayList<>(RECORDS_PER_BATCH);
        final long now = System.currentTimeMillis();
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            final int start = payloads.position();
            ByteUtils.writeVarint(-1, payloads);
            ByteUtils.writeVarint(RECORD_BYTES, payloads);
            payloads.put(new byte[RECORD_BYTES]);
            ByteUtils.writeVarint(0, payloads);
            records.add(new InputRecord(baseOffset + i, now, (byte) 0,
                    payloads.duplicate().limit(payloads.position()).position(start).slice()));
        }
        return new InputBatch(new BatchHeader(baseOffset, RECORDS_PER_BATCH, 1, (short) 0, RECORDS_PER_BATCH - 1,
                now, now, -1, (short) -1, -1), records);
    }
}
