package io.ailurus.wasm.runtime;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.util.Set;

/**
 * Redpanda's optional {@code redpanda_schema_registry} module. ailurus has no schema registry of its own, so a module
 * built with the SDK's registry client deploys, and every call answers -1, the ABI's "schema registry not enabled".
 */
final class SchemaRegistryStub implements HostFunctions {

    static final String MODULE = "redpanda_schema_registry";
    static final String ABI_V0 = "check_abi_version_0";
    private static final int NOT_ENABLED = -1;

    private static final Set<String> NAMES = Set.of(ABI_V0, "get_schema_definition_len", "get_schema_definition",
            "get_subject_schema_len", "get_subject_schema", "create_subject_schema");

    @Override
    public String moduleName() {
        return MODULE;
    }

    @Override
    public Set<String> names() {
        return NAMES;
    }

    @Override
    public FunctionType expectedType(final String name) {
        return name.equals(ABI_V0) ? HostFunctions.i32s(0, false) : null;
    }

    @Override
    public WasmFunctionHandle bind(final String name, final FunctionType importedType, final GuestSession session) {
        return HostFunctions.constant(importedType, NOT_ENABLED);
    }
}
