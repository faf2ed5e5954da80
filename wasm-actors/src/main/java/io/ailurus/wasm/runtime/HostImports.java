package io.ailurus.wasm.runtime;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The host modules a transform may import from. At deploy every import is checked here, so that an unknown one is
 * named in the deploy's error rather than found when the VM starts; at start each imported function is bound to the
 * VM's session.
 */
final class HostImports {

    private static final Map<String, HostFunctions> MODULES = Map.of(
            TransformAbi.MODULE, new TransformAbi(),
            SchemaRegistryStub.MODULE, new SchemaRegistryStub(),
            Wasi.MODULE, new Wasi());

    private HostImports() {
    }

    /** Checks that every import of {@code module} is a function the host provides, with the right type. */
    static void check(final WasmModule module) throws InvalidTransformException {
        for (final Import imp : imports(module)) {
            final String what = imp.module() + "." + imp.name();
            if (!(imp instanceof FunctionImport function)) {
                throw new InvalidTransformException("the module imports " + what + ", which is not a function: "
                        + "ailurus provides functions only (the module must define and export its own memory)");
            }
            final HostFunctions host = MODULES.get(imp.module());
            if (host == null || !host.names().contains(imp.name())) {
                throw new InvalidTransformException("the module imports " + what + ", which ailurus does not "
                        + "provide (was it built with another SDK version or for another runtime?)");
            }
            final FunctionType expected = host.expectedType(imp.name());
            final FunctionType actual = module.typeSection().getType(function.typeIndex());
            if (expected != null && !expected.typesMatch(actual)) {
                throw new InvalidTransformException("the module imports " + what + " as " + actual
                        + ", but ailurus provides it as " + expected);
            }
            if (expected == null && actual.returns().size() > 1) {
                throw new InvalidTransformException("the module imports " + what + " as " + actual
                        + ", which returns more than one value");
            }
        }
    }

    /** The imported functions, bound to one VM's session. */
    static ImportValues bind(final WasmModule module, final GuestSession session) {
        final List<HostFunction> functions = new ArrayList<>();
        for (final Import imp : imports(module)) {
            final FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
            final HostFunctions host = MODULES.get(imp.module());
            functions.add(new HostFunction(imp.module(), imp.name(), type,
                    host.bind(imp.name(), type, session)));
        }
        return ImportValues.builder().withFunctions(new ArrayList<>(functions)).build();
    }

    static boolean imports(final WasmModule module, final String moduleName, final String name) {
        return imports(module).stream().anyMatch(i -> i.module().equals(moduleName) && i.name().equals(name));
    }

    private static List<Import> imports(final WasmModule module) {
        return module.importSection().stream().toList();
    }
}
