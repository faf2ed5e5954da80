package io.ailurus.bench.broker;

import java.util.Locale;

/** Byte counts on the command line and in the output: binary units throughout (1 MiB = 2^20 bytes), as Kafka's tools. */
public final class Sizes {

    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;

    private Sizes() {
    }

    /** "3g", "200m", "16k" or plain bytes. */
    public static long parse(final String text) {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        final char unit = s.charAt(s.length() - 1);
        final long scale = switch (unit) {
            case 'k' -> KIB;
            case 'm' -> MIB;
            case 'g' -> GIB;
            default -> 1;
        };
        return Long.parseLong(scale == 1 ? s : s.substring(0, s.length() - 1)) * scale;
    }

    public static double mib(final long bytes) {
        return bytes / (double) MIB;
    }

    /** MiB per second. */
    public static double mibPerSecond(final long bytes, final long nanos) {
        return nanos <= 0 ? 0 : mib(bytes) / (nanos / 1e9);
    }
}
