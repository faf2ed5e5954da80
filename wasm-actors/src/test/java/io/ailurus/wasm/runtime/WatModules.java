package io.ailurus.wasm.runtime;

import com.dylibso.chicory.wabt.Wat2Wasm;

/**
 * Transforms written in WebAssembly text for the cases the SDK-built modules do not cover. {@link #transform} wraps a
 * {@code $on_record} function (given the payload's length; the payload is at 1024, the record's offset at 116, its
 * timestamp at 108) in the loop every SDK runs: read a batch header, read each record, call the hook.
 */
final class WatModules {

    private static final String IMPORTS = """
              (import "redpanda_transform" "check_abi_version_2" (func $abi))
              (import "redpanda_transform" "read_batch_header"
                (func $header (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
              (import "redpanda_transform" "read_next_record" (func $next (param i32 i32 i32 i32 i32) (result i32)))
              (import "redpanda_transform" "write_record" (func $write (param i32 i32) (result i32)))
              (import "redpanda_transform" "write_record_with_options"
                (func $write_to (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "environ_get" (func $env_get (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
              (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
            """;

    private static final String LOOP = """
              (memory (export "memory") 1)
              (func (export "_start")
                (local $n i32)
                (call $abi)
                (loop $batches
                  (drop (call $header (i32.const 0) (i32.const 8) (i32.const 16) (i32.const 24) (i32.const 32)
                    (i32.const 40) (i32.const 48) (i32.const 56) (i32.const 64) (i32.const 72)))
                  (local.set $n (i32.load (i32.const 8)))
                  (block $done
                    (loop $records
                      (br_if $done (i32.eqz (local.get $n)))
                      (call $on_record
                        (call $next (i32.const 100) (i32.const 108) (i32.const 116) (i32.const 1024) (i32.const 2048)))
                      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                      (br $records)))
                  (br $batches)))
            """;

    private WatModules() {
    }

    /** A transform whose per-record behaviour is {@code onRecord} (plus any data segments it needs). */
    static byte[] transform(final String onRecord) {
        return wasm("(module\n" + IMPORTS + LOOP + onRecord + "\n)");
    }

    static byte[] wasm(final String wat) {
        return Wat2Wasm.parse(wat);
    }
}
