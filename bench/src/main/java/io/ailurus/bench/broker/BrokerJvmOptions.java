package io.ailurus.bench.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JVM flags both broker JVMs get alike: the same heap ({@code -Xmx1g} by default, no other GC tuning, so neither
 * broker gets flags the other lacks), an optional JFR recording of the whole run, and any extra flags given for that
 * broker on the command line.
 */
final class BrokerJvmOptions {

    private BrokerJvmOptions() {
    }

    static List<String> of(final BrokerBenchOptions options, final BrokerKind kind, final Path runDir) {
        final List<String> args = new ArrayList<>();
        args.add("-Xmx" + options.brokerHeap());
        if (options.jfr()) {
            final Path file = runDir.resolve(kind.label() + ".jfr").toAbsolutePath();
            args.add("-XX:StartFlightRecording=filename=" + file + ",dumponexit=true,settings=profile");
        }
        args.addAll(kind == BrokerKind.AILURUS ? options.ailurusJvmOpts() : options.kafkaJvmOpts());
        return args;
    }
}
