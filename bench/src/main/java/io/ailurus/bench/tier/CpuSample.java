package io.ailurus.bench.tier;

import io.ailurus.bench.broker.ProcessCpu;

/**
 * CPU time (user + system, all threads) of the broker JVM, the S3 server JVM and the bench's own JVM, in nanoseconds;
 * -1 where it could not be read. A sample, or the difference of two ({@link #since}).
 */
record CpuSample(long brokerNanos, long s3Nanos, long benchNanos) {

    static CpuSample now(final long brokerPid, final long s3Pid) {
        return new CpuSample(brokerPid < 0 ? -1 : ProcessCpu.nanos(brokerPid), s3Pid < 0 ? -1 : ProcessCpu.nanos(s3Pid),
                ProcessCpu.self());
    }

    CpuSample since(final CpuSample earlier) {
        return new CpuSample(diff(brokerNanos, earlier.brokerNanos), diff(s3Nanos, earlier.s3Nanos),
                diff(benchNanos, earlier.benchNanos));
    }

    /** "broker 85%, S3 40%, bench 70%" (of one core, over {@code wallNanos}), leaving out what is unknown. */
    String percentages(final long wallNanos) {
        final StringBuilder sb = new StringBuilder();
        append(sb, "broker", brokerNanos, wallNanos);
        append(sb, "S3", s3Nanos, wallNanos);
        append(sb, "bench", benchNanos, wallNanos);
        return sb.toString();
    }

    /** CPU seconds of {@code nanos} per GiB of {@code bytes}, or NaN. */
    static double secondsPerGib(final long nanos, final long bytes) {
        return nanos < 0 || bytes <= 0 ? Double.NaN : nanos / 1e9 / (bytes / (double) (1L << 30));
    }

    static double percent(final long nanos, final long wallNanos) {
        return nanos < 0 || wallNanos <= 0 ? Double.NaN : 100.0 * nanos / wallNanos;
    }

    private static void append(final StringBuilder sb, final String name, final long nanos, final long wallNanos) {
        if (nanos < 0) {
            return;
        }
        if (sb.length() > 0) {
            sb.append(", ");
        }
        sb.append(String.format("%s %.0f%%", name, percent(nanos, wallNanos)));
    }

    private static long diff(final long later, final long earlier) {
        return later < 0 || earlier < 0 ? -1 : later - earlier;
    }
}
