package io.ailurus.wasm.runtime;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * One host module's functions as the guest imports them: the names it provides, the type each must be imported with
 * ({@code null}: a stub that takes whatever type the import declares), and the handle bound to one VM's session.
 */
interface HostFunctions {

    String moduleName();

    /** Every function name this module provides. */
    Set<String> names();

    /** The type {@code name} must be imported with, or {@code null} if any type will do (a stub). */
    FunctionType expectedType(String name);

    /** The implementation of {@code name} for one VM, given the type the guest imports it with. */
    WasmFunctionHandle bind(String name, FunctionType importedType, GuestSession session);

    static FunctionType i32s(final int params, final boolean returnsI32) {
        return FunctionType.of(Collections.nCopies(params, ValType.I32),
                returnsI32 ? List.of(ValType.I32) : List.of());
    }

    /** A stub answering every call with {@code result} (when the import returns an i32) and doing nothing else. */
    static WasmFunctionHandle constant(final FunctionType type, final int result) {
        final long[] answer = type.returns().isEmpty() ? null : new long[] {result};
        return (instance, args) -> answer;
    }
}
