package io.ailurus.wasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.wasm.abi.InputBatch;
import io.ailurus.wasm.abi.OutputRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The modules built with Redpanda's Go, Rust and C++ SDKs run unmodified: each case of {@code cases.json} hands the
 * module its batches and compares every output payload byte for byte; the guest then waits for the next batch.
 */
class SdkModulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, TransformBinary> BINARIES = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void stopWatchdog() {
        WATCHDOG.shutdownNow();
    }

    static Stream<JsonNode> cases() throws IOException {
        final JsonNode root = JSON.readTree(SdkModules.resource("cases.json"));
        final List<JsonNode> cases = new ArrayList<>();
        root.get("cases").forEach(cases::add);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void moduleTransformsEveryBatchAsExpected(final JsonNode testCase) throws Exception {
        final String module = testCase.get("module").asText();
        final TransformBinary binary = BINARIES.computeIfAbsent(module, SdkModules::load);
        final JsonNode expect = testCase.get("expect");
        if (expect.has("abi")) {
            assertEquals(expect.get("abi").get(0).asInt(), binary.abiVersion(), "ABI version");
        }
        final List<String> logs = new ArrayList<>();
        try (TransformVm vm = TransformVm.start(binary, new GuestEnvironment("transform", "in", List.of("out"),
                Map.of()), VmLimits.defaults(), (stderr, line) -> logs.add(line), WATCHDOG)) {
            vm.ready().get(30, TimeUnit.SECONDS);
            final List<String> outputs = new ArrayList<>();
            long offset = 0;
            for (final JsonNode batch : testCase.get("batches")) {
                final List<byte[]> payloads = new ArrayList<>();
                batch.forEach(r -> payloads.add(payloadOf(r)));
                final InputBatch input = TestBatches.batch(offset, payloads);
                offset += payloads.size();
                for (final OutputRecord out : vm.process(input).get(30, TimeUnit.SECONDS)) {
                    assertEquals(0, out.topicIndex());
                    outputs.add(TestBatches.hex(out.payload()));
                }
            }
            final List<String> expected = new ArrayList<>();
            expect.get("outputs").forEach(o -> expected.add(o.has("payload_hex")
                    ? o.get("payload_hex").asText() : TestBatches.hex(payloadOf(o))));
            assertEquals(expected, outputs, "outputs of " + testCase.get("name").asText() + "; guest logs: " + logs);
            assertEquals("waiting", expect.get("end").asText());
            assertFalse(vm.failure().isPresent(), () -> "the guest failed: " + vm.failure().get());
        }
    }

    private static byte[] payloadOf(final JsonNode record) {
        final List<TestBatches.Header> headers = new ArrayList<>();
        if (record.has("headers")) {
            record.get("headers").forEach(h -> headers.add(new TestBatches.Header(bytes(h.get(0)), bytes(h.get(1)))));
        }
        return TestBatches.payload(bytes(record.get("key")), bytes(record.get("value")), headers);
    }

    private static byte[] bytes(final JsonNode field) {
        if (field == null || field.isNull()) {
            return null;
        }
        if (field.isObject()) {
            return TestBatches.unhex(field.get("hex").asText());
        }
        return field.asText().getBytes(StandardCharsets.UTF_8);
    }

    /** Access to the SDK-built modules in examples/transforms (test resources {@code redpanda-sdk/}). */
    static final class SdkModules {
        private SdkModules() {
        }

        static InputStream resource(final String name) {
            final InputStream in = SdkModulesTest.class.getResourceAsStream("/redpanda-sdk/" + name);
            if (in == null) {
                throw new IllegalStateException("missing test resource redpanda-sdk/" + name);
            }
            return in;
        }

        static byte[] bytes(final String module) {
            try (InputStream in = resource("modules/" + module)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        static TransformBinary load(final String module) {
            try {
                return TransformBinary.load(bytes(module), VmLimits.defaults());
            } catch (InvalidTransformException e) {
                throw new AssertionError(module + " did not load: " + e.getMessage(), e);
            }
        }
    }
}
