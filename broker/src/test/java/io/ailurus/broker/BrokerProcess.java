package io.ailurus.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A broker in its own JVM (`ailurus start`), for tests that kill it the hard way. */
final class BrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final Path logFile;
    private final int kafkaPort;
    private final int clusterPort;
    private final int adminPort;
    private final int aeronPort;
    private int nodeId = 1;
    private List<String> seeds = List.of();
    private int controllerVoters;
    private final List<String> jvmOptions = new ArrayList<>();
    private Path configFile;
    private Process process;

    BrokerProcess(final Path dataDir, final Path logFile) throws IOException {
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.kafkaPort = LoopbackPorts.free();
        this.clusterPort = LoopbackPorts.free();
        this.adminPort = LoopbackPorts.free();
        this.aeronPort = LoopbackPorts.free();
    }

    /** Makes this process a member of a cluster: its node id and the seed nodes' {@link #clusterAddress()}es. */
    BrokerProcess clusterMember(final int id, final List<String> seedAddresses) {
        this.nodeId = id;
        this.seeds = List.copyOf(seedAddresses);
        return this;
    }

    /** Nodes 1..{@code count} are the controller's voters (default: every seed). */
    BrokerProcess controllerVoters(final int count) {
        this.controllerVoters = count;
        return this;
    }

    /** The node's {@code --config} file (HOCON over the defaults). */
    BrokerProcess configFile(final Path file) {
        this.configFile = file;
        return this;
    }

    /** The port clients reach: {@code --port}, or a listener a config file puts there. */
    int kafkaPort() {
        return kafkaPort;
    }

    /** A JVM option such as {@code -Dpekko.cluster.split-brain-resolver.stable-after=3s}. */
    BrokerProcess jvmOption(final String option) {
        jvmOptions.add(option);
        return this;
    }

    int nodeId() {
        return nodeId;
    }

    /** host:port of Pekko remoting, what {@code --seeds} takes. */
    String clusterAddress() {
        return "127.0.0.1:" + clusterPort;
    }

    String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** Starts the process and waits until its Kafka port accepts connections. */
    void start() throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:-DontCompileHugeMethods",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                "io.ailurus.broker.Ailurus", "start",
                "--node-id", Integer.toString(nodeId),
                "--data-dir", dataDir.toString(),
                "--port", Integer.toString(kafkaPort),
                "--cluster-port", Integer.toString(clusterPort),
                "--admin-port", Integer.toString(adminPort),
                "--aeron-port", Integer.toString(aeronPort)));
        if (configFile != null) {
            command.add("--config");
            command.add(configFile.toString());
        }
        if (!seeds.isEmpty()) {
            command.add("--seeds");
            command.add(String.join(",", seeds));
            command.add("--controller-voters");
            command.add(String.join(",", java.util.stream.IntStream.rangeClosed(1,
                            controllerVoters > 0 ? controllerVoters : seeds.size())
                    .mapToObj(Integer::toString).toList()));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue() + ", see " + logFile);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", kafkaPort), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("broker did not open port " + kafkaPort + " within 60 s, see " + logFile);
    }

    /** SIGSTOP (true) or SIGCONT (false): the process freezes as a GC pause or a stalled VM would. */
    void pause(final boolean stop) throws IOException, InterruptedException {
        new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the clean shutdown path. Returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("broker ignored SIGTERM for 60 s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
