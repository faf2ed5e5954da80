package io.ailurus.wasm.runtime;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.function.Function;

/**
 * A transform's WebAssembly binary, checked as Redpanda checks it at deploy ({@code _start} and {@code memory} exported,
 * the {@code check_abi_version_1|2} marker imported, every import provided by the host) and compiled once to JVM
 * bytecode by Chicory's compiler; each VM of the transform instantiates the same compiled code.
 */
public final class TransformBinary {

    private final WasmModule module;
    private final Function<Instance, Machine> machines;
    private final int abiVersion;
    private final int initialPages;

    private TransformBinary(final WasmModule module, final Function<Instance, Machine> machines,
                            final int abiVersion, final int initialPages) {
        this.module = module;
        this.machines = machines;
        this.abiVersion = abiVersion;
        this.initialPages = initialPages;
    }

    /** Checks and compiles {@code wasm}; a module that needs more memory at start than {@code limits} allow fails. */
    public static TransformBinary load(final byte[] wasm, final VmLimits limits) throws InvalidTransformException {
        final WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException e) {
            throw new InvalidTransformException("not a valid WebAssembly module: " + e.getMessage());
        }
        checkStart(module);
        final int initialPages = checkMemory(module, limits);
        final int abi = abiVersion(module);
        HostImports.check(module);
        final Function<Instance, Machine> machines;
        try {
            machines = MachineFactoryCompiler.compile(module);
        } catch (RuntimeException e) {
            throw new InvalidTransformException("the module could not be compiled: " + e.getMessage());
        }
        return new TransformBinary(module, machines, abi, initialPages);
    }

    private static void checkStart(final WasmModule module) throws InvalidTransformException {
        final Export start = export(module, "_start");
        if (start == null || start.exportType() != ExternalType.FUNCTION) {
            throw new InvalidTransformException("missing _start function: a transform is a WASI command module "
                    + "(build it for wasip1 / wasm32-wasi with a Redpanda transform SDK)");
        }
        final FunctionType type = functionType(module, start.index());
        if (!type.params().isEmpty() || !type.returns().isEmpty()) {
            throw new InvalidTransformException("_start must take and return nothing, but it is " + type);
        }
    }

    private static int checkMemory(final WasmModule module, final VmLimits limits) throws InvalidTransformException {
        final Export memory = export(module, "memory");
        if (memory == null || memory.exportType() != ExternalType.MEMORY
                || module.memorySection().map(s -> s.memoryCount() == 0).orElse(true)) {
            throw new InvalidTransformException("missing memory export: the module must export its linear memory "
                    + "as \"memory\"");
        }
        final MemoryLimits declared = module.memorySection().get().getMemory(0).limits();
        if (declared.initialPages() > limits.maxPages()) {
            throw new InvalidTransformException("the module needs " + mib(declared.initialPages())
                    + " of memory at start, more than the " + mib(limits.maxPages()) + " a transform may use "
                    + "(ailurus.transforms.max-memory)");
        }
        return declared.initialPages();
    }

    private static String mib(final int pages) {
        return (pages * VmLimits.PAGE_BYTES >> 20) + " MiB";
    }

    private static int abiVersion(final WasmModule module) throws InvalidTransformException {
        if (HostImports.imports(module, TransformAbi.MODULE, TransformAbi.ABI_V2)) {
            return 2;
        }
        if (HostImports.imports(module, TransformAbi.MODULE, TransformAbi.ABI_V1)) {
            return 1;
        }
        throw new InvalidTransformException("invalid SDK: the module does not import " + TransformAbi.MODULE + "."
                + TransformAbi.ABI_V1 + " or ." + TransformAbi.ABI_V2 + ", so it was not built with a Redpanda "
                + "transform SDK");
    }

    private static Export export(final WasmModule module, final String name) {
        final var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(name)) {
                return exports.getExport(i);
            }
        }
        return null;
    }

    private static FunctionType functionType(final WasmModule module, final int functionIndex) {
        final var imports = module.importSection().stream()
                .filter(i -> i instanceof FunctionImport).map(i -> (FunctionImport) i).toList();
        if (functionIndex < imports.size()) {
            return module.typeSection().getType(imports.get(functionIndex).typeIndex());
        }
        return module.functionSection().getFunctionType(functionIndex - imports.size(), module.typeSection());
    }

    public int abiVersion() {
        return abiVersion;
    }

    WasmModule module() {
        return module;
    }

    Function<Instance, Machine> machines() {
        return machines;
    }

    int initialPages() {
        return initialPages;
    }
}
