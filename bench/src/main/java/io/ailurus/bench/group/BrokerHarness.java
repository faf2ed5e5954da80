package io.ailurus.bench.group;

import io.ailurus.bench.StorageInfo;
import io.ailurus.bench.TempDirs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * The broker-launch code of {@code io.ailurus.bench.broker} (BrokerBench's), reused as it is. Its classes are
 * package-private, so this adapter reaches them through reflection: they live in the same unnamed module as this
 * class, where {@code setAccessible} needs no JVM flag. Every member is looked up when this class loads, so a renamed
 * one stops the bench before any broker starts, with the name of what is missing.
 *
 * <p>Making these members {@code public} would let the calls below be plain Java; nothing else would change.
 *
 * <p>ailurus starts exactly as in BrokerBench ({@code AilurusBroker.start}). Kafka starts as {@code KafkaBroker.start}
 * does it (same jars, same {@code server.properties}, same format and start commands, same JVM flags), with one
 * difference: BrokerBench's {@code server.properties} sets {@code group.initial.rebalance.delay.ms=0}, and this bench
 * removes that line so that Kafka runs with its default (3000 ms), as ailurus runs with its own default
 * ({@code ailurus.groups.initial-rebalance-delay = 3s}).
 */
final class BrokerHarness {

    static final String DELAY_KEY = "group.initial.rebalance.delay.ms";

    private static final String PKG = "io.ailurus.bench.broker.";
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private static final Class<?> OPTIONS = type("BrokerBenchOptions");
    private static final Class<?> CHILD_JVM = type("ChildJvm");
    private static final Class<?> BROKER_KIND = type("BrokerKind");
    private static final Class<?> BROKER_UNDER_TEST = type("BrokerUnderTest");

    private static final Method PARSE = method(OPTIONS, "parse", String[].class);
    private static final Method BASE_DIR = method(OPTIONS, "baseDir");
    private static final Method AILURUS_HOME = method(OPTIONS, "ailurusHome");
    private static final Method AILURUS_CLASSPATH = method(type("AilurusBroker"), "classpath", Path.class);
    private static final Method AILURUS_START = method(type("AilurusBroker"), "start", OPTIONS, Path.class, Path.class);
    private static final Method BROKER_BOOTSTRAP = method(BROKER_UNDER_TEST, "bootstrap");
    private static final Method BROKER_PID = method(BROKER_UNDER_TEST, "pid");
    private static final Method BROKER_LOG = method(BROKER_UNDER_TEST, "logFile");
    private static final Method BROKER_CHECK_ALIVE = method(BROKER_UNDER_TEST, "checkAlive");
    private static final Method BROKER_CLOSE = method(BROKER_UNDER_TEST, "close");
    private static final Method KAFKA_CLASSPATH = method(type("KafkaDistribution"), "classpath", OPTIONS);
    private static final Method FREE_PORT = method(type("FreePorts"), "next");
    private static final Method SERVER_CONFIG_WRITE = method(type("KafkaServerConfig"), "write", Path.class, Path.class,
            int.class, int.class, boolean.class, Map.class);
    private static final Method SERVER_PROPERTIES = method(type("KafkaServerConfig"), "serverProperties");
    private static final Method LOG4J_CONFIG = method(type("KafkaServerConfig"), "log4jConfig");
    private static final Method JVM_OPTIONS = method(type("BrokerJvmOptions"), "of", OPTIONS, BROKER_KIND, Path.class);
    private static final Method CHILD_START = method(CHILD_JVM, "start", String.class, List.class, String.class,
            String.class, List.class, Path.class, Path.class);
    private static final Method CHILD_AWAIT_EXIT = method(CHILD_JVM, "awaitExit", Duration.class);
    private static final Method CHILD_AWAIT_PORT = method(CHILD_JVM, "awaitPort", int.class, Duration.class);
    private static final Method CHILD_STOP = method(CHILD_JVM, "stop", Duration.class);
    private static final Method CHILD_PID = method(CHILD_JVM, "pid");
    private static final Method CHILD_LOG = method(CHILD_JVM, "logFile");
    private static final Method CHILD_CHECK_ALIVE = method(CHILD_JVM, "checkAlive");
    private static final Method PROBE_READY = method(type("ClusterProbe"), "awaitReady", String.class, CHILD_JVM,
            Duration.class);
    private static final Method TOPICS_CREATE = method(type("Topics"), "create", Admin.class, String.class,
            String.class, int.class);
    private static final Method CLEANUP_REGISTER = method(type("ExitCleanup"), "register", Path.class);
    private static final Method CLEANUP_UNREGISTER = method(type("ExitCleanup"), "unregister", Path.class);
    private static final Method MACHINE_DESCRIBE = method(type("MachineInfo"), "describe");
    private static final Method MACHINE_LOAD = method(type("MachineInfo"), "loadAverage");

    /** A BrokerBenchOptions: the launch settings (directories, Kafka's jars, heap, JVM flags, JFR). */
    private final Object options;

    private BrokerHarness(final Object options) {
        this.options = options;
    }

    /** {@code args} are BrokerBench flags; only those about starting brokers matter here. */
    static BrokerHarness of(final List<String> args) {
        return new BrokerHarness(call(PARSE, null, (Object) args.toArray(String[]::new)));
    }

    Path baseDir() {
        return (Path) call(BASE_DIR, options);
    }

    /** Fails, with the build command, if ailurus has not been built. */
    void checkAilurusBuilt() {
        call(AILURUS_CLASSPATH, null, call(AILURUS_HOME, options));
    }

    /** Kafka's classpath; resolves its jars with Maven first if they are not there yet. */
    String kafkaClasspath() {
        return (String) call(KAFKA_CLASSPATH, null, options);
    }

    RunningBroker startAilurus(final Path runDir, final Path dataDir) {
        final Object broker = call(AILURUS_START, null, options, runDir, dataDir);
        return new RunningBroker("ailurus", (String) call(BROKER_BOOTSTRAP, broker), (Long) call(BROKER_PID, broker),
                (Path) call(BROKER_LOG, broker), () -> call(BROKER_CHECK_ALIVE, broker),
                () -> call(BROKER_CLOSE, broker), "default (ailurus.groups.initial-rebalance-delay = 3s)");
    }

    /** As KafkaBroker.start, but with Kafka's default group.initial.rebalance.delay.ms (see the class comment). */
    RunningBroker startKafka(final Path runDir, final Path dataDir) throws Exception {
        final String classpath = kafkaClasspath();
        final int port = (Integer) call(FREE_PORT, null);
        final int controllerPort = (Integer) call(FREE_PORT, null);
        final Object config = call(SERVER_CONFIG_WRITE, null, runDir.resolve("kafka-config"), dataDir, port,
                controllerPort, false, Map.of());
        final Path serverProperties = (Path) call(SERVER_PROPERTIES, config);
        final String removed = dropSetting(serverProperties, DELAY_KEY);
        final String log4j = "-Dlog4j2.configurationFile="
                + ((Path) call(LOG4J_CONFIG, config)).toAbsolutePath().toUri();
        final Path log = runDir.resolve("kafka.log");

        final Object format = call(CHILD_START, null, "kafka-storage format", List.of("-Xmx256m", log4j), classpath,
                "kafka.tools.StorageTool", List.of("format", "--standalone", "-t", Uuid.randomUuid().toString(),
                        "-c", serverProperties.toAbsolutePath().toString()), runDir, log);
        final int formatExit = (Integer) call(CHILD_AWAIT_EXIT, format, FORMAT_TIMEOUT);
        if (formatExit != 0) {
            throw new IllegalStateException("kafka-storage format exited with " + formatExit + ", see " + log);
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Object kind = Enum.valueOf((Class) BROKER_KIND, "KAFKA");
        final List<String> jvmArgs = new ArrayList<>();
        for (final Object o : (List<?>) call(JVM_OPTIONS, null, options, kind, runDir)) {
            jvmArgs.add((String) o);
        }
        jvmArgs.add(log4j);
        final Object jvm = call(CHILD_START, null, "kafka", jvmArgs, classpath, "kafka.Kafka",
                List.of(serverProperties.toAbsolutePath().toString()), runDir, log);
        final String bootstrap = "127.0.0.1:" + port;
        try {
            call(CHILD_AWAIT_PORT, jvm, port, START_TIMEOUT);
            call(PROBE_READY, null, bootstrap, jvm, START_TIMEOUT);
        } catch (RuntimeException e) {
            call(CHILD_STOP, jvm, STOP_GRACE);
            throw e;
        }
        return new RunningBroker("kafka", bootstrap, (Long) call(CHILD_PID, jvm), (Path) call(CHILD_LOG, jvm),
                () -> call(CHILD_CHECK_ALIVE, jvm), () -> call(CHILD_STOP, jvm, STOP_GRACE),
                "default (3000 ms; BrokerBench's '" + removed + "' removed from server.properties)");
    }

    /** BrokerBench's Topics.create: replication factor 1, waits until every partition takes writes. */
    static void createTopic(final Admin admin, final String bootstrap, final String topic, final int partitions) {
        call(TOPICS_CREATE, null, admin, bootstrap, topic, partitions);
    }

    /** A fresh directory under {@code base}, deleted by the exit hook if the bench ends before it does. */
    static Path createDataDir(final Path base, final String prefix) {
        final Path dir = createDir(base, prefix);
        call(CLEANUP_REGISTER, null, dir);
        return dir;
    }

    static void deleteDataDir(final Path dir) {
        deleteDir(dir);
        call(CLEANUP_UNREGISTER, null, dir);
    }

    /** The file system {@code path} is on: type, device, mount point, options (marked if memory-backed). */
    static String fileSystem(final Path path) {
        return String.valueOf(storage(path));
    }

    /** tmpfs and the like: fsync costs nothing there, so a commit measures memory, not a disk. */
    static boolean memoryBacked(final Path path) {
        return storage(path).memoryBacked();
    }

    private static StorageInfo storage(final Path path) {
        try {
            return StorageInfo.of(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path createDir(final Path base, final String prefix) {
        try {
            return TempDirs.create(base, prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteDir(final Path dir) {
        try {
            TempDirs.deleteRecursively(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String machine() {
        return (String) call(MACHINE_DESCRIBE, null);
    }

    static double loadAverage() {
        return (Double) call(MACHINE_LOAD, null);
    }

    /** Removes every {@code key=...} line; returns what was removed ("" if nothing). */
    private static String dropSetting(final Path properties, final String key) throws java.io.IOException {
        final List<String> kept = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        for (final String line : Files.readAllLines(properties)) {
            if (line.trim().startsWith(key + "=") || line.trim().startsWith(key + " ")) {
                removed.add(line.trim());
            } else {
                kept.add(line);
            }
        }
        kept.add("# GroupBench: " + key + " left at Kafka's default (3000 ms)");
        Files.write(properties, kept);
        return String.join(", ", removed);
    }

    // ------------------------------------------------------------------------------------------------ reflection

    private static Class<?> type(final String simpleName) {
        try {
            return Class.forName(PKG + simpleName);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("GroupBench reuses " + PKG + simpleName + ", which is gone", e);
        }
    }

    private static Method method(final Class<?> type, final String name, final Class<?>... parameters) {
        try {
            final Method m = type.getDeclaredMethod(name, parameters);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("GroupBench reuses " + type.getName() + "." + name + List.of(parameters)
                    + ", which is gone or changed its parameters: update " + BrokerHarness.class.getName(), e);
        }
    }

    /** Invokes, unwrapping what the method threw; checked exceptions come back wrapped in a RuntimeException. */
    private static Object call(final Method method, final Object target, final Object... args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(method.getDeclaringClass().getSimpleName() + "." + method.getName()
                    + " failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + method, e);
        }
    }
}
