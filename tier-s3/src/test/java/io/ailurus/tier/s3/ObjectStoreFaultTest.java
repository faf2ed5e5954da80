package io.ailurus.tier.s3;

import static io.ailurus.tier.s3.ObjectStoreTest.randomBytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ailurus.tier.s3.testing.ProxyFault;
import io.ailurus.tier.s3.testing.S3FaultProxy;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a caller of ObjectStore sees when the store misbehaves: calls through {@link S3FaultProxy} with a 3 s deadline
 * and a 1 s stall timeout. Objects are checked through a second store that talks to the server directly.
 */
class ObjectStoreFaultTest {

    private static final String BUCKET = "faults";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(1);
    /** Timers and thread hand-offs: how much later than its deadline a call may report its failure. */
    private static final Duration LATENESS = Duration.ofMillis(1000);
    private static final int MIB = 1024 * 1024;

    private static S3TestServer server;
    private static ActorSystem<Void> system;
    private static ObjectStore direct;

    private S3FaultProxy proxy;
    private ObjectStore store;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start(BUCKET);
        system = TestActorSystems.create("object-store-fault-test");
        direct = new ObjectStore(system, S3Settings.forEndpoint(server.endpoint(), BUCKET));
        // The first request of a JVM loads and starts Pekko HTTP's client (about a second on a small machine): not a
        // stall the 1 s stall timeout of the tests should see.
        complete(direct.list(""));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (system != null) {
            TestActorSystems.terminate(system);
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void startProxy() {
        proxy = S3FaultProxy.start(server.port());
        store = new ObjectStore(system, S3Settings.forEndpoint(proxy.endpoint(), BUCKET)
                .withCallTimeout(CALL_TIMEOUT)
                .withStallTimeout(STALL_TIMEOUT));
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void slowDownForThreeRequestsIsRetriedAndLoggedOnce() throws Exception {
        final ListAppender<ILoggingEvent> log = captureLog();
        try {
            final byte[] bytes = randomBytes(1024, 10);
            proxy.failNext(3, ProxyFault.FAIL_503);

            complete(store.put("slow/put", bytes));

            assertEquals(4, proxy.requests(), "three answers of 503 Slow Down, then the one that stored it");
            assertArrayEquals(bytes, complete(direct.get("slow/put")).orElseThrow());
            final List<ILoggingEvent> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
            assertEquals(1, warnings.size(), "one WARN line per retried call: " + warnings);
            assertTrue(warnings.get(0).getFormattedMessage().contains("SlowDown"),
                    warnings.get(0).getFormattedMessage());
            assertNull(warnings.get(0).getThrowableProxy(), "no stack trace");
        } finally {
            releaseLog(log);
        }
    }

    @Test
    void slowDownIsRetriedForReadsListsAndDeletesToo() throws Exception {
        final byte[] bytes = randomBytes(4096, 11);
        complete(direct.put("slow/read", bytes));

        proxy.failNext(2, ProxyFault.FAIL_503);
        assertArrayEquals(bytes, complete(store.get("slow/read")).orElseThrow());
        proxy.failNext(2, ProxyFault.FAIL_503);
        assertArrayEquals(Arrays.copyOfRange(bytes, 10, 20), complete(store.getRange("slow/read", 10, 20)));
        proxy.failNext(2, ProxyFault.FAIL_503);
        assertEquals(List.of("slow/read:" + (4096)), sizes(complete(store.list("slow/"))));
        proxy.failNext(2, ProxyFault.FAIL_503);
        complete(store.delete("slow/read"));

        assertEquals(12, proxy.requests());
        assertTrue(complete(direct.get("slow/read")).isEmpty());
    }

    @Test
    void aStoreThatKeepsFailingFailsTheCallWithinItsDeadline() {
        proxy.setFault(ProxyFault.FAIL_500);
        final long start = System.nanoTime();

        final ObjectStoreException failure = failure(store.put("broken/put", new byte[10]));

        final Duration took = since(start);
        assertTrue(took.compareTo(CALL_TIMEOUT.plus(LATENESS)) < 0, "failed after " + took);
        assertTrue(failure.retriable());
        assertTrue(failure.attempts() >= 3, "attempts: " + failure.attempts());
        assertEquals(failure.attempts(), proxy.requests());
        assertEquals("put", failure.operation());
        assertEquals("broken/put", failure.key());
        assertTrue(failure.getMessage().contains("HTTP 500 InternalError"), failure.getMessage());
        assertTrue(failure.getMessage().contains("broken/put"), failure.getMessage());
    }

    @Test
    void aClientErrorIsNotRetried() {
        proxy.setFault(new ProxyFault.FailStatus(403, "Forbidden", "AccessDenied", "Access Denied"));

        final ObjectStoreException failure = failure(store.get("forbidden/object"));

        assertFalse(failure.retriable());
        assertEquals(1, failure.attempts());
        assertEquals(1, proxy.requests());
        assertTrue(failure.getMessage().contains("AccessDenied"), failure.getMessage());
    }

    @Test
    void aStoreSlowerThanTheDeadlineFailsTheCallAtTheDeadlineNotLater() throws Exception {
        complete(direct.put("late/object", new byte[100]));
        proxy.setFault(ProxyFault.delay(Duration.ofSeconds(10)));
        final long start = System.nanoTime();

        final ObjectStoreException failure = failure(store.get("late/object"));

        final Duration took = since(start);
        assertTrue(took.compareTo(CALL_TIMEOUT.plus(LATENESS)) < 0, "failed after " + took);
        assertTrue(took.compareTo(STALL_TIMEOUT) > 0, "failed after " + took);
        assertTrue(failure.retriable());
        assertTrue(failure.attempts() >= 2, "each attempt is abandoned after the stall timeout: " + failure);
    }

    @Test
    void theDeadlineEndsEvenAnAttemptThatIsNotConsideredStalled() throws Exception {
        complete(direct.put("late/single", new byte[100]));
        final ObjectStore patient = new ObjectStore(system, S3Settings.forEndpoint(proxy.endpoint(), BUCKET)
                .withCallTimeout(Duration.ofSeconds(2))
                .withStallTimeout(Duration.ofSeconds(30)));
        proxy.setFault(ProxyFault.delay(Duration.ofSeconds(10)));
        final long start = System.nanoTime();

        final ObjectStoreException failure = failure(patient.get("late/single"));

        final Duration took = since(start);
        assertTrue(took.compareTo(Duration.ofSeconds(2).plus(LATENESS)) < 0, "failed after " + took);
        assertEquals(1, failure.attempts());
        assertTrue(failure.retriable());
        assertTrue(failure.getMessage().contains("deadline"), failure.getMessage());
    }

    @Test
    void resetConnectionsAreRetriedUntilTheProxyPassesAgain() throws Exception {
        final byte[] bytes = randomBytes(50_000, 12);
        complete(direct.put("reset/object", bytes));
        proxy.setFault(ProxyFault.RESET);

        final CompletableFuture<byte[]> read = store.get("reset/object")
                .thenApply(found -> found.orElseThrow()).toCompletableFuture();
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.requests() >= 2);
        assertFalse(read.isDone(), "still retrying");
        proxy.setFault(ProxyFault.PASS);

        assertArrayEquals(bytes, complete(read));
    }

    @Test
    void bodiesCutShortAreRetriedUntilTheProxyPassesAgain() throws Exception {
        final byte[] bytes = randomBytes(MIB, 13);
        complete(direct.put("cut/object", bytes));
        proxy.setFault(ProxyFault.CUT_BODY);

        final CompletableFuture<byte[]> read = store.getRange("cut/object", 1000, 1000 + 512 * 1024)
                .toCompletableFuture();
        await().atMost(Duration.ofSeconds(2)).until(() -> proxy.requests() >= 2);
        assertFalse(read.isDone(), "still retrying");
        proxy.setFault(ProxyFault.PASS);

        assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 1000 + 512 * 1024), complete(read));
    }

    @Test
    void aStalledBodyIsAbandonedAfterTheStallTimeoutAndRetried() throws Exception {
        final byte[] bytes = randomBytes(MIB, 14);
        complete(direct.put("stall/object", bytes));
        proxy.failNext(1, ProxyFault.STALL_BODY);
        final long start = System.nanoTime();

        assertArrayEquals(bytes, complete(store.get("stall/object")).orElseThrow());

        final Duration took = since(start);
        assertTrue(took.compareTo(STALL_TIMEOUT) >= 0, "answered after " + took);
        assertTrue(took.compareTo(CALL_TIMEOUT) < 0, "answered after " + took);
        assertEquals(2, proxy.requests());
    }

    @Test
    void aMultipartUploadSurvivesSlowDownsAndResets() throws Exception {
        final byte[] content = randomBytes(20 * MIB, 15);
        final Path file = tmp.resolve("segment.log");
        Files.write(file, content);
        final ObjectStore patient = new ObjectStore(system, S3Settings.forEndpoint(proxy.endpoint(), BUCKET)
                .withCallTimeout(Duration.ofSeconds(20)));
        proxy.failNext(2, ProxyFault.FAIL_503);

        complete(patient.putFile("multipart/object", file, 0, content.length));
        proxy.failNext(1, ProxyFault.RESET);
        complete(patient.putFile("multipart/object", file, 0, content.length));

        assertArrayEquals(content, complete(direct.get("multipart/object")).orElseThrow());
        assertEquals(3, proxy.faultsInjected());
    }

    @Test
    void aFailedPartIsRetriedAloneNotTheWholeUpload() throws Exception {
        final byte[] content = randomBytes(20 * MIB, 16);
        final Path file = tmp.resolve("parts.log");
        Files.write(file, content);
        proxy.failNext(2, ProxyFault.FAIL_503, requestLine -> requestLine.contains("partNumber="));

        final ObjectStore patient = new ObjectStore(system, store.settings().withCallTimeout(Duration.ofSeconds(20)));
        complete(patient.putFile("multipart/parts", file, 0, content.length));

        // Initiate, 4 parts of 5 MiB, the 2 failed part requests again, complete: nothing sent twice but those.
        assertEquals(8, proxy.requests());
        assertEquals(2, proxy.faultsInjected());
        assertArrayEquals(content, complete(direct.get("multipart/parts")).orElseThrow());
    }

    @Test
    void aRefusedConnectionIsRetriedUntilTheDeadline() throws Exception {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        final ObjectStore nowhere = new ObjectStore(system,
                S3Settings.forEndpoint("http://127.0.0.1:" + closedPort, BUCKET).withCallTimeout(Duration.ofSeconds(1)));
        final long start = System.nanoTime();

        final ObjectStoreException failure = failure(nowhere.get("any"));

        assertTrue(since(start).compareTo(Duration.ofSeconds(1).plus(LATENESS)) < 0, "failed after " + since(start));
        assertTrue(failure.retriable());
        assertTrue(failure.attempts() >= 2, failure.getMessage());
    }

    private static <T> T complete(final CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static ObjectStoreException failure(final CompletionStage<?> stage) {
        final ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
        return assertInstanceOf(ObjectStoreException.class, e.getCause());
    }

    private static Duration since(final long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static ListAppender<ILoggingEvent> captureLog() {
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(ObjectStore.class)).addAppender(appender);
        return appender;
    }

    private static void releaseLog(final ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(ObjectStore.class)).detachAppender(appender);
    }

    /** Listed objects as key:size (their times are the server's). */
    private static List<String> sizes(final List<ObjectInfo> objects) {
        return objects.stream().map(o -> o.key() + ":" + o.size()).toList();
    }
}
