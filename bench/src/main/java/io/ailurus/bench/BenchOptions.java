package io.ailurus.bench;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Command-line flags of {@link LogAppendBench}.
 *
 * @param bytes                 bytes of batches each mode appends (after its warm-up)
 * @param baseDir               where each mode gets its own fresh temp directory
 * @param secondsPerFsyncMode   time cap for the modes that fsync after every batch
 * @param warmupBytes           bytes appended (into a throw-away file/log) before each measured run
 * @param segmentBytes          segment.bytes of the SegmentLog modes
 * @param rounds                how many times the whole set of modes runs (interleaved); the median round is reported
 * @param modes                 which modes run, in the order of {@link Mode#ALL}
 */
record BenchOptions(long bytes, Path baseDir, double secondsPerFsyncMode, long warmupBytes, int segmentBytes,
        int rounds, List<Mode> modes) {

    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    static final String USAGE = """
            Usage: LogAppendBench [--bytes N] [--dir PATH] [--seconds-per-fsync-mode S] [--rounds N]
                                  [--warmup-bytes N] [--segment-bytes N] [--modes a,c,...]
              --bytes                   bytes per mode and round; suffix k, m or g     default 1g
              --dir                     base dir for the per-mode temp dirs            default bench/target/log-append-bench
              --seconds-per-fsync-mode  time cap of the fsync-per-batch modes (b2, e)  default 20
              --rounds                  interleaved runs of all modes; median shown    default 3
              --warmup-bytes            appended, unmeasured, before each run          default 64m
              --segment-bytes           segment.bytes of the SegmentLog modes          default 1g (Kafka's)
              --modes                   subset of a,b1,b2,c,d,e                        default all
            """;

    static BenchOptions parse(final String[] args) {
        long bytes = GIB;
        Path dir = null;
        double seconds = 20;
        long warmup = 64 * MIB;
        long segmentBytes = GIB;
        int rounds = 3;
        List<Mode> modes = Mode.ALL;
        for (int i = 0; i < args.length; i++) {
            final String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag + "\n" + USAGE);
            }
            final String value = args[++i];
            switch (flag) {
                case "--bytes" -> bytes = parseSize(value);
                case "--dir" -> dir = Path.of(value);
                case "--seconds-per-fsync-mode" -> seconds = Double.parseDouble(value);
                case "--warmup-bytes" -> warmup = parseSize(value);
                case "--segment-bytes" -> segmentBytes = parseSize(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--modes" -> modes = parseModes(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + USAGE);
            }
        }
        if (bytes <= 0 || seconds <= 0 || warmup < 0 || segmentBytes <= 0 || segmentBytes > Integer.MAX_VALUE
                || rounds <= 0) {
            throw new IllegalArgumentException("sizes, times and rounds must be positive (segment bytes < 2 GiB)\n"
                    + USAGE);
        }
        return new BenchOptions(bytes, dir == null ? defaultBaseDir() : dir, seconds, warmup, (int) segmentBytes,
                rounds, modes);
    }

    private static List<Mode> parseModes(final String text) {
        final Set<String> ids = new HashSet<>(Arrays.asList(text.toLowerCase(Locale.ROOT).split(",")));
        final List<Mode> modes = Mode.ALL.stream().filter(m -> ids.remove(m.id())).toList();
        if (!ids.isEmpty() || modes.isEmpty()) {
            throw new IllegalArgumentException("unknown mode(s) " + ids + "; known: a, b1, b2, c, d, e\n" + USAGE);
        }
        return modes;
    }

    /** "1g", "64m", "16k" or plain bytes. */
    static long parseSize(final String text) {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        final char unit = s.charAt(s.length() - 1);
        final long scale = switch (unit) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(scale == 1 ? s : s.substring(0, s.length() - 1)) * scale;
    }

    /**
     * bench/target/log-append-bench, found from where this class was loaded (bench/target/classes) so that it does
     * not depend on the working directory. Not /tmp: that is often tmpfs, which would measure memory, not a disk.
     */
    private static Path defaultBaseDir() {
        try {
            // Either bench/target/classes or bench/target/bench-*.jar: the parent is bench/target either way.
            final Path code = Path.of(BenchOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().resolve("log-append-bench");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("bench", "target", "log-append-bench").toAbsolutePath();
        }
    }
}
