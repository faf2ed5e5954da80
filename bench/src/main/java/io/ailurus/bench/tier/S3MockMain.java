package io.ailurus.bench.tier;

import com.adobe.testing.s3mock.S3MockApplication;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The main class of TierBench's S3 server JVM: S3Mock (Spring Boot, Tomcat) serving plain HTTP on
 * {@code 127.0.0.1:<port>}, keeping its objects under {@code <root>}, with the given buckets created empty. It runs
 * until SIGTERM (Spring's shutdown hook stops Tomcat); the bench deletes the root directory afterwards.
 *
 * <p>The properties are those of tier-s3's test server ({@code io.ailurus.tier.s3.testing.S3TestServer}), except that
 * the plain HTTP port is fixed by the caller (a free port it picked), so that the bench knows it without asking. It
 * runs in a JVM of its own so that its CPU time and heap are not the bench's: the bench reads its CPU time from /proc
 * like the broker's.
 *
 * <p>Usage: {@code S3MockMain <port> <root-dir> <bucket>[,<bucket>...]}
 */
public final class S3MockMain {

    /** Tomcat logs through java.util.logging at INFO; held here because JUL keeps its loggers weakly. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    private S3MockMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: S3MockMain <port> <root-dir> <bucket>[,<bucket>...]");
            System.exit(2);
        }
        final int port = Integer.parseInt(args[0]);
        final Path root = Path.of(args[1]).toAbsolutePath();
        // Spring Boot would otherwise configure logging itself; the bench's logback.xml (WARN to stderr) applies.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
        final Map<String, Object> properties = new HashMap<>();
        properties.put(S3MockApplication.PROP_HTTP_PORT, port);
        // The main connector would be HTTPS on 9191: plain HTTP on a random port instead (unused), so that it never
        // collides with anything.
        properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
        properties.put("server.ssl.enabled", false);
        properties.put("server.address", "127.0.0.1");
        properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
        properties.put("com.adobe.testing.s3mock.store.retainFilesOnExit", false);
        properties.put(S3MockApplication.PROP_INITIAL_BUCKETS, args[2]);
        properties.put(S3MockApplication.PROP_SILENT, true);
        final long start = System.nanoTime();
        S3MockApplication.start(properties);
        System.out.printf("S3Mock serving http://127.0.0.1:%d (root %s, buckets %s), started in %.1f s%n", port, root,
                args[2], (System.nanoTime() - start) / 1e9);
        new CountDownLatch(1).await();   // until SIGTERM: Spring's shutdown hook stops the server
    }
}
