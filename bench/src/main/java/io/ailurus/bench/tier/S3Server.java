package io.ailurus.bench.tier;

import io.ailurus.bench.TempDirs;
import io.ailurus.bench.broker.ChildJvm;
import io.ailurus.bench.broker.ExitCleanup;
import io.ailurus.bench.broker.FreePorts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The S3 server of a TierBench run: S3Mock in a child JVM ({@link S3MockMain}) with the bench's own class path,
 * plain HTTP on a free loopback port, objects and temporary files in a fresh directory that {@link #close()} deletes
 * (and {@link ExitCleanup} too, should the bench end another way).
 */
final class S3Server implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ChildJvm jvm;
    private final Path root;
    private final int port;
    private final String bucket;

    private S3Server(final ChildJvm jvm, final Path root, final int port, final String bucket) {
        this.jvm = jvm;
        this.root = root;
        this.port = port;
        this.bucket = bucket;
    }

    static S3Server start(final TierBenchOptions options, final String bucket) throws IOException,
            InterruptedException {
        final Path root = TempDirs.create(options.s3Dir(), "tier-bench-s3-");
        ExitCleanup.register(root);
        final int port = FreePorts.next();
        Files.deleteIfExists(options.baseDir().resolve("s3mock.log"));
        // S3Mock writes every request body to a temporary file before it stores it (and again when it completes a
        // multipart upload): java.io.tmpdir goes next to its objects, so that those writes do not land on the disk
        // where the broker fsyncs (/tmp is often that disk).
        final Path objects = Files.createDirectories(root.resolve("objects"));
        final Path tmp = Files.createDirectories(root.resolve("tmp"));
        final ChildJvm jvm = ChildJvm.start("s3mock", List.of("-Xmx" + options.s3Heap(), "-Djava.io.tmpdir=" + tmp),
                absoluteClasspath(), S3MockMain.class.getName(),
                List.of(Integer.toString(port), objects.toString(), bucket), options.baseDir(),
                options.baseDir().resolve("s3mock.log"));
        final S3Server server = new S3Server(jvm, root, port, bucket);
        try {
            jvm.awaitPort(port, START_TIMEOUT);
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** This JVM's class path with every entry absolute: the child runs in another working directory. */
    private static String absoluteClasspath() {
        final StringBuilder sb = new StringBuilder();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(File.pathSeparatorChar);
            }
            sb.append(entry.endsWith("*") ? entry : Path.of(entry).toAbsolutePath().toString());
        }
        return sb.toString();
    }

    /** {@code http://127.0.0.1:PORT}: path-style, no TLS. */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String bucket() {
        return bucket;
    }

    Path root() {
        return root;
    }

    long pid() {
        return jvm.pid();
    }

    void checkAlive() {
        jvm.checkAlive();
    }

    Path logFile() {
        return jvm.logFile();
    }

    @Override
    public void close() {
        jvm.stop(STOP_GRACE);
        try {
            TempDirs.deleteRecursively(root);
            ExitCleanup.unregister(root);
        } catch (IOException e) {
            System.out.println("  could not delete the S3 server's directory " + root + ": " + e);
        }
    }
}
