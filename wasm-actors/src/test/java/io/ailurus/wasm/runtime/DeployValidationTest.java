package io.ailurus.wasm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A binary that cannot run as a transform is refused when it is loaded, with a reason a person understands. */
class DeployValidationTest {

    private static final String ABI = "(import \"redpanda_transform\" \"check_abi_version_2\" (func $abi))";
    private static final String MEMORY = "(memory (export \"memory\") 1)";
    private static final String START = "(func (export \"_start\"))";

    private static String refusal(final byte[] wasm, final VmLimits limits) {
        return assertThrows(InvalidTransformException.class, () -> TransformBinary.load(wasm, limits)).getMessage();
    }

    private static String refusal(final String wat) {
        return refusal(WatModules.wasm(wat), VmLimits.defaults());
    }

    @Test
    void aModuleWithTheMarkerStartAndMemoryLoads() throws Exception {
        assertEquals(2, TransformBinary.load(WatModules.wasm("(module " + ABI + MEMORY + START + ")"),
                VmLimits.defaults()).abiVersion());
        final String v1 = "(import \"redpanda_transform\" \"check_abi_version_1\" (func $abi))";
        assertEquals(1, TransformBinary.load(WatModules.wasm("(module " + v1 + MEMORY + START + ")"),
                VmLimits.defaults()).abiVersion());
    }

    @Test
    void garbageIsNotAModule() {
        assertTrue(refusal("hello".getBytes(StandardCharsets.UTF_8), VmLimits.defaults())
                .startsWith("not a valid WebAssembly module"));
    }

    @Test
    void theStartFunctionAndTheMemoryMustBeExported() {
        assertTrue(refusal("(module " + ABI + MEMORY + ")").startsWith("missing _start function"));
        assertTrue(refusal("(module " + ABI + "(memory 1)" + START + ")").startsWith("missing memory export"));
        assertTrue(refusal("(module " + ABI + MEMORY + "(func (export \"_start\") (param i32))) ")
                .startsWith("_start must take and return nothing"));
    }

    @Test
    void aModuleWithoutTheAbiMarkerWasNotBuiltWithAnSdk() {
        assertTrue(refusal("(module " + MEMORY + START + ")").startsWith("invalid SDK"));
    }

    @Test
    void anUnknownImportIsNamedAtDeploy() {
        final String message = refusal("(module " + ABI + "(import \"env\" \"host_magic\" (func))" + MEMORY + START
                + ")");
        assertTrue(message.contains("env.host_magic") && message.contains("does not provide"), message);
        final String drifted = refusal("(module " + ABI
                + "(import \"redpanda_schema_registry\" \"get_schema_subject_len\" (func (param i32 i32 i32 i32) "
                + "(result i32)))" + MEMORY + START + ")");
        assertTrue(drifted.contains("redpanda_schema_registry.get_schema_subject_len"), drifted);
    }

    @Test
    void anImportWithTheWrongTypeIsRefused() {
        final String message = refusal("(module " + ABI
                + "(import \"redpanda_transform\" \"write_record\" (func (param i32) (result i32)))" + MEMORY + START
                + ")");
        assertTrue(message.contains("redpanda_transform.write_record") && message.contains("provides it as"),
                message);
    }

    @Test
    void aModuleNeedingMoreMemoryThanTheCapAtStartIsRefused() {
        final String message = refusal(WatModules.wasm("(module " + ABI + "(memory (export \"memory\") 64)" + START
                + ")"), new VmLimits(2L << 20, 1_000));
        assertEquals("the module needs 4 MiB of memory at start, more than the 2 MiB a transform may use "
                + "(ailurus.transforms.max-memory)", message);
    }
}
