package io.ailurus.tier.s3.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An S3-compatible server in this JVM for tests: S3Mock (Spring Boot, Tomcat) serving plain HTTP on a free loopback
 * port, keeping its objects in a temporary directory that {@link #close()} deletes.
 *
 * <p>Each instance is a server of its own: start one per test class (or per test) and close it; servers may be started
 * one after another in the same JVM, and several may run at once (each has its own ports and directory). Starting
 * takes a few seconds, so share one across the tests of a class rather than starting one per test.
 *
 * <p>Spring Boot would reconfigure logging on start (and reset the test's logback setup); it is told not to, through
 * the system property {@code org.springframework.boot.logging.LoggingSystem=none}.
 */
public final class S3TestServer implements AutoCloseable {

    /** Tomcat logs through java.util.logging, at INFO; held here because JUL keeps its loggers weakly. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");
    /** On stop, Tomcat warns of the threads Spring's executor has not stopped yet: it stops them just after. */
    private static final java.util.logging.Logger TOMCAT_LOADER_LOG =
            java.util.logging.Logger.getLogger("org.apache.catalina.loader");

    private final S3MockApplication application;
    private final Path root;
    private final int port;

    private S3TestServer(final S3MockApplication application, final Path root, final int port) {
        this.application = application;
        this.root = root;
        this.port = port;
    }

    /** Starts a server holding the given (empty) buckets. */
    public static S3TestServer start(final String... buckets) {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
        TOMCAT_LOADER_LOG.setLevel(java.util.logging.Level.SEVERE);
        final Path root;
        try {
            root = Files.createTempDirectory("s3-test-server");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final Map<String, Object> properties = new HashMap<>();
        // The plain HTTP connector: 0 = a free port, read back below.
        properties.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
        // The main connector would be HTTPS on 9191; plain HTTP on a free port instead, so servers never collide.
        properties.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
        properties.put("server.ssl.enabled", false);
        properties.put("server.address", "127.0.0.1");
        properties.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
        properties.put("com.adobe.testing.s3mock.store.retainFilesOnExit", false);
        properties.put(S3MockApplication.PROP_INITIAL_BUCKETS, String.join(",", buckets));
        // No banner (and WARN as Spring's log level, were Spring to configure logging).
        properties.put(S3MockApplication.PROP_SILENT, true);
        final S3MockApplication application;
        try {
            application = S3MockApplication.start(properties);
        } catch (final RuntimeException e) {
            deleteRecursively(root);
            throw e;
        }
        return new S3TestServer(application, root, httpPort(application));
    }

    @SuppressWarnings("removal") // the one way S3Mock reports a randomly chosen port when started in-process
    private static int httpPort(final S3MockApplication application) {
        return application.getHttpPort();
    }

    /** {@code http://127.0.0.1:PORT}, the endpoint for path-style access. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            application.stop();
        } finally {
            deleteRecursively(root);
        }
    }

    private static void deleteRecursively(final Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            final List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
            for (final Path path : deepestFirst) {
                Files.deleteIfExists(path);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }
}
