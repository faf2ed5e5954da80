package io.ailurus.wasm.runtime;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The WASI preview 1 that Redpanda gives transforms, which is not a general one (so not Chicory's): {@code argv} is the
 * transform's name, the environment is the deployment's, the realtime clock reads the current record's timestamp and
 * the monotonic clock advances one tick per read (a replayed batch sees the same time), {@code random_get} fills with
 * 9s, clock sleeps in {@code poll_oneoff} return at once, stdout and stderr become log lines, and there are no files:
 * every other call answers ENOSYS or EBADF.
 */
final class Wasi implements HostFunctions {

    static final String MODULE = "wasi_snapshot_preview1";

    private static final int SUCCESS = 0;
    private static final int EBADF = 8;
    private static final int EINVAL = 28;
    private static final int ENOSYS = 52;

    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_MONOTONIC = 1;
    private static final long TICK_NANOS = 1_000_000;   // millisecond resolution, as the record timestamps
    private static final byte FILETYPE_CHARACTER_DEVICE = 2;
    private static final byte EVENT_CLOCK = 0;
    private static final byte RANDOM_FILL = 9;

    private static final FunctionType I32_I64_I32_TO_I32 =
            FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I32), List.of(ValType.I32));

    /** The functions with a behaviour of their own, and the type the guest must import each with. */
    private static final Map<String, FunctionType> IMPLEMENTED = Map.ofEntries(
            Map.entry("args_sizes_get", HostFunctions.i32s(2, true)),
            Map.entry("args_get", HostFunctions.i32s(2, true)),
            Map.entry("environ_sizes_get", HostFunctions.i32s(2, true)),
            Map.entry("environ_get", HostFunctions.i32s(2, true)),
            Map.entry("clock_res_get", HostFunctions.i32s(2, true)),
            Map.entry("clock_time_get", I32_I64_I32_TO_I32),
            Map.entry("fd_write", HostFunctions.i32s(4, true)),
            Map.entry("fd_fdstat_get", HostFunctions.i32s(2, true)),
            Map.entry("random_get", HostFunctions.i32s(2, true)),
            Map.entry("poll_oneoff", HostFunctions.i32s(4, true)),
            Map.entry("sched_yield", HostFunctions.i32s(0, true)),
            Map.entry("proc_exit", HostFunctions.i32s(1, false)));

    /** The rest of preview 1: present so that any WASI module links, answering EBADF (no descriptors) or ENOSYS. */
    private static final Set<String> BAD_DESCRIPTOR = Set.of("fd_advise", "fd_allocate", "fd_close", "fd_datasync",
            "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
            "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read",
            "fd_readdir", "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "path_create_directory",
            "path_filestat_get", "path_filestat_set_times", "path_link", "path_open", "path_readlink",
            "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file", "sock_accept", "sock_recv",
            "sock_send", "sock_shutdown");
    private static final Set<String> NOT_SUPPORTED = Set.of("proc_raise");

    private static final Set<String> NAMES;

    static {
        final java.util.HashSet<String> all = new java.util.HashSet<>(IMPLEMENTED.keySet());
        all.addAll(BAD_DESCRIPTOR);
        all.addAll(NOT_SUPPORTED);
        NAMES = Set.copyOf(all);
    }

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
        return IMPLEMENTED.get(name);
    }

    @Override
    public WasmFunctionHandle bind(final String name, final FunctionType importedType, final GuestSession session) {
        final List<byte[]> argv = List.of(utf8(session.environment().transformName()));
        final List<byte[]> environ = session.environment().environ().stream().map(Wasi::utf8).toList();
        return switch (name) {
            case "args_sizes_get" -> (i, a) -> sizes(i.memory(), argv, a);
            case "args_get" -> (i, a) -> strings(i.memory(), argv, a);
            case "environ_sizes_get" -> (i, a) -> sizes(i.memory(), environ, a);
            case "environ_get" -> (i, a) -> strings(i.memory(), environ, a);
            case "clock_res_get" -> (i, a) -> clockResolution(i.memory(), a);
            case "clock_time_get" -> (i, a) -> clockTime(i.memory(), session, a);
            case "fd_write" -> (i, a) -> fdWrite(i.memory(), session, a);
            case "fd_fdstat_get" -> (i, a) -> fdstat(i.memory(), a);
            case "random_get" -> (i, a) -> {
                i.memory().fill(RANDOM_FILL, (int) a[0], (int) (a[0] + a[1]));
                return errno(SUCCESS);
            };
            case "poll_oneoff" -> (i, a) -> pollOneoff(i.memory(), a);
            case "sched_yield" -> (i, a) -> {
                Thread.yield();
                return errno(SUCCESS);
            };
            case "proc_exit" -> (i, a) -> {
                throw new GuestExit((int) a[0]);
            };
            default -> HostFunctions.constant(importedType, BAD_DESCRIPTOR.contains(name) ? EBADF : ENOSYS);
        };
    }

    /** {@code proc_exit}: unwinds the guest's stack; the VM ends with {@link VmFailure.Cause#EXIT}. */
    static final class GuestExit extends RuntimeException {
        final int code;

        GuestExit(final int code) {
            super("proc_exit(" + code + ")", null, false, false);
            this.code = code;
        }
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long[] errno(final int value) {
        return new long[] {value};
    }

    private static long[] sizes(final Memory memory, final List<byte[]> strings, final long[] a) {
        int bytes = 0;
        for (final byte[] s : strings) {
            bytes += s.length + 1;
        }
        memory.writeI32((int) a[0], strings.size());
        memory.writeI32((int) a[1], bytes);
        return errno(SUCCESS);
    }

    private static long[] strings(final Memory memory, final List<byte[]> strings, final long[] a) {
        int pointer = (int) a[0];
        int buffer = (int) a[1];
        for (final byte[] s : strings) {
            memory.writeI32(pointer, buffer);
            memory.write(buffer, s);
            memory.writeByte(buffer + s.length, (byte) 0);
            pointer += 4;
            buffer += s.length + 1;
        }
        return errno(SUCCESS);
    }

    private static long[] clockResolution(final Memory memory, final long[] a) {
        if (a[0] != CLOCK_REALTIME && a[0] != CLOCK_MONOTONIC) {
            return errno(EINVAL);
        }
        memory.writeLong((int) a[1], TICK_NANOS);
        return errno(SUCCESS);
    }

    private static long[] clockTime(final Memory memory, final GuestSession session, final long[] a) {
        final long nanos;
        if (a[0] == CLOCK_REALTIME) {
            nanos = session.clockMillis() * 1_000_000;
        } else if (a[0] == CLOCK_MONOTONIC) {
            nanos = session.nextMonotonicTick() * TICK_NANOS;
        } else {
            return errno(EINVAL);
        }
        memory.writeLong((int) a[2], nanos);
        return errno(SUCCESS);
    }

    /** Only stdout (1) and stderr (2) exist; what the guest writes there becomes its log lines. */
    private static long[] fdWrite(final Memory memory, final GuestSession session, final long[] a) {
        final int fd = (int) a[0];
        if (fd != 1 && fd != 2) {
            return errno(EBADF);
        }
        int written = 0;
        for (int i = 0; i < (int) a[2]; i++) {
            final int iovec = (int) a[1] + i * 8;
            final int base = memory.readInt(iovec);
            final int length = memory.readInt(iovec + 4);
            session.guestOutput(fd == 2, memory.readBytes(base, length));
            written += length;
        }
        memory.writeI32((int) a[3], written);
        return errno(SUCCESS);
    }

    private static long[] fdstat(final Memory memory, final long[] a) {
        final int fd = (int) a[0];
        if (fd < 0 || fd > 2) {
            return errno(EBADF);
        }
        final int at = (int) a[1];
        memory.fill((byte) 0, at, at + 24);
        memory.writeByte(at, FILETYPE_CHARACTER_DEVICE);
        memory.writeLong(at + 8, fd == 0 ? 0x2 : 0x40);   // fd_read for stdin, fd_write for stdout and stderr
        return errno(SUCCESS);
    }

    /** Every clock subscription fires at once (a sleeping guest only wastes its batch budget); descriptors are bad. */
    private static long[] pollOneoff(final Memory memory, final long[] a) {
        final int in = (int) a[0];
        final int out = (int) a[1];
        final int subscriptions = (int) a[2];
        if (subscriptions <= 0) {
            return errno(EINVAL);
        }
        for (int i = 0; i < subscriptions; i++) {
            final int sub = in + i * 48;
            final int event = out + i * 32;
            final byte type = memory.read(sub + 8);
            memory.fill((byte) 0, event, event + 32);
            memory.writeLong(event, memory.readLong(sub));
            memory.writeShort(event + 8, (short) (type == EVENT_CLOCK ? SUCCESS : EBADF));
            memory.writeByte(event + 10, type);
        }
        memory.writeI32((int) a[3], subscriptions);
        return errno(SUCCESS);
    }
}
