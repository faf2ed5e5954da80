package io.ailurus.bench.broker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ailurus as the operator runs it: {@code io.ailurus.broker.Ailurus start} from {@code broker/target} (the jar and
 * its {@code lib/}), in its own JVM with the flags Aeron needs on Java 17, a fresh data directory and free ports.
 */
public final class AilurusBroker implements BrokerUnderTest {

    public static final String MAIN_CLASS = "io.ailurus.broker.Ailurus";
    public static final String BUILD_HINT = "mvn -B -q -Dstyle.color=never -pl broker -am install -DskipTests";

    /**
     * As in the ./ailurus launcher: Aeron (Agrona) reaches into JDK internals (docs/DESIGN.md), and transforms need
     * HotSpot to compile the large methods WebAssembly functions become.
     */
    private static final List<String> REQUIRED_FLAGS = List.of(
            "-XX:-DontCompileHugeMethods",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED");

    /** The JVM flags every ailurus JVM needs (Aeron on Java 17). */
    public static List<String> requiredJvmFlags() {
        return REQUIRED_FLAGS;
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final ChildJvm jvm;
    private final Path dataDir;
    private final int port;
    private final int tlsPort;

    private AilurusBroker(final ChildJvm jvm, final Path dataDir, final int port, final int tlsPort) {
        this.jvm = jvm;
        this.dataDir = dataDir;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** Fails early, with the build command, if the broker has not been built. */
    public static String classpath(final Path home) {
        final Path jar = home.resolve("broker/target/broker-0.1.0-SNAPSHOT.jar");
        final Path lib = home.resolve("broker/target/lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IllegalStateException("ailurus is not built: " + jar + " or " + lib + " is missing. Build it "
                    + "from the repository root with: " + BUILD_HINT);
        }
        return jar.toAbsolutePath() + File.pathSeparator + lib.toAbsolutePath() + File.separator + "*";
    }

    static AilurusBroker start(final BrokerBenchOptions options, final Path runDir, final Path dataDir)
            throws IOException, InterruptedException {
        final String classpath = classpath(options.ailurusHome());
        final int port = FreePorts.next();
        final int clusterPort = FreePorts.next();
        final List<String> jvmArgs = new ArrayList<>(BrokerJvmOptions.of(options, BrokerKind.AILURUS, runDir));
        jvmArgs.addAll(REQUIRED_FLAGS);
        final Path log = runDir.resolve("ailurus.log");
        final List<String> args = new ArrayList<>(List.of("start", "--data-dir", dataDir.toAbsolutePath().toString(),
                "--port", Integer.toString(port), "--cluster-port", Integer.toString(clusterPort),
                "--admin-port", "0"));
        final int tlsPort = options.tls() ? FreePorts.next() : 0;
        if (options.tls()) {
            args.addAll(List.of("--config", TlsMaterial.in(options.baseDir()).ailurusConfig(runDir, port, tlsPort)
                    .toAbsolutePath().toString()));
        }
        final ChildJvm jvm = ChildJvm.start("ailurus", jvmArgs, classpath, MAIN_CLASS, args, runDir, log);
        final AilurusBroker broker = new AilurusBroker(jvm, dataDir, port, tlsPort);
        try {
            jvm.awaitPort(port, START_TIMEOUT);
            ClusterProbe.awaitReady(broker.bootstrap(), jvm, START_TIMEOUT);
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.AILURUS;
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String clientBootstrap() {
        return tlsPort == 0 ? bootstrap() : "127.0.0.1:" + tlsPort;
    }

    @Override
    public long pid() {
        return jvm.pid();
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path logFile() {
        return jvm.logFile();
    }

    @Override
    public void checkAlive() {
        jvm.checkAlive();
    }

    @Override
    public void close() {
        jvm.stop(STOP_GRACE);
    }
}
