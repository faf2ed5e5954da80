package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ailurus.tier.manifest.ObjectKeys;
import io.ailurus.tier.s3.testing.S3TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of tiered storage: {@code GET /v1/cloud_storage/status|manifest/{topic}/{partition}} and the
 * tiered columns of {@code ailurus topic describe}, once uploads and local retention have run.
 */
@Timeout(120)
class TieredAdminIT {

    private static final String TOPIC = "tiered-admin";
    private static final int RECORDS = 2_000;

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static S3TestServer s3;
    static TestBroker broker;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start("ailurus");
        final int adminPort = freePort();
        final Map<String, Object> config = TieredConfig.node(s3.endpoint());
        // TestBroker binds the admin API to port 0, which the test could not learn: give it a known free port.
        config.put("ailurus.cluster.admin.port", adminPort);
        broker = TestBroker.start(dataDir, config);
        admin = "http://127.0.0.1:" + adminPort;
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void statusManifestAndDescribeShowTheBucketAndTheLocalLog() throws Exception {
        try (Admin kafkaAdmin = Admin.create(broker.clientProperties())) {
            kafkaAdmin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true",
                    "segment.bytes", "16384",
                    "local.retention.bytes", "32768")))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all", "linger.ms", 5,
                "batch.size", 4096)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "key-" + i, "value-" + i + "-" + "x".repeat(40)));
            }
            producer.flush();
        }
        final String statusUrl = admin + "/v1/cloud_storage/status/" + TOPIC + "/0";
        // Everything reaches the bucket (the upload interval rolls the last segment), and local retention has run.
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250)).until(() -> {
            final JsonNode s = AdminHttp.get(statusUrl).body();
            return s != null && s.path("uploadedOffset").asLong() == RECORDS - 1 && s.path("localStartOffset").asLong() > 0;
        });

        final AdminHttp.Reply status = AdminHttp.get(statusUrl);
        assertEquals(200, status.status(), status.text());
        final JsonNode s = status.body();
        assertEquals(TOPIC, s.get("topic").asText());
        assertEquals(0, s.get("partition").asInt());
        assertTrue(s.get("leader").asBoolean(), status.text());
        assertTrue(s.get("remoteStorage").asBoolean(), status.text());
        assertEquals(RECORDS - 1, s.get("uploadedOffset").asLong());
        assertEquals(RECORDS, s.get("highWatermark").asLong());
        assertEquals(0, s.get("remoteStartOffset").asLong());
        final long localStart = s.get("localStartOffset").asLong();
        assertTrue(localStart > 0 && localStart < RECORDS, status.text());
        assertTrue(s.get("localBytes").asLong() > 0, status.text());
        assertTrue(s.get("remoteBytes").asLong() > s.get("localBytes").asLong(), status.text());
        assertTrue(s.get("remoteSegments").asInt() >= 2, status.text());
        assertEquals(0, s.get("pendingOffsets").asLong());
        assertEquals(false, s.get("failing").asBoolean());
        assertEquals(-1, s.get("failingSinceMs").asLong());
        assertEquals(0, s.get("failingForSeconds").asLong());
        assertTrue(s.get("lastError").isNull(), status.text());

        // The manifest is the bucket's object, byte for byte, and agrees with the status.
        final AdminHttp.Reply manifest = AdminHttp.get(admin + "/v1/cloud_storage/manifest/" + TOPIC + "/0");
        assertEquals(200, manifest.status(), manifest.text());
        final byte[] inBucket = broker.node().tiering().store().get(ObjectKeys.manifest(TOPIC, 0))
                .toCompletableFuture().get(30, TimeUnit.SECONDS).orElseThrow();
        assertEquals(new String(inBucket, StandardCharsets.UTF_8), manifest.text());
        final JsonNode m = manifest.body();
        assertEquals(0, m.get("startOffset").asLong());
        assertEquals(s.get("remoteSegments").asInt(), m.get("segments").size());
        final JsonNode last = m.get("segments").get(m.get("segments").size() - 1);
        assertEquals(RECORDS - 1, last.get("lastOffset").asLong());

        for (final String unknown : List.of("/v1/cloud_storage/status/" + TOPIC + "/5", "/v1/cloud_storage/status/nope/0",
                "/v1/cloud_storage/manifest/" + TOPIC + "/5", "/v1/cloud_storage/manifest/nope/0")) {
            final AdminHttp.Reply missing = AdminHttp.get(admin + unknown);
            assertEquals(404, missing.status(), unknown);
            assertTrue(missing.body().get("message").asText().contains("does not exist"), missing.text());
        }

        final String describe = cli("topic", "describe", TOPIC);
        final String line = describe.lines().filter(l -> l.contains("Partition: 0")).findFirst().orElseThrow();
        assertTrue(line.contains("\tLocalStart: " + localStart), describe);
        assertTrue(line.contains("\tRemoteStart: 0\t"), describe);
        assertTrue(line.contains("\tTieredUpTo: " + (RECORDS - 1) + "\t"), describe);
        assertTrue(line.matches(".*\\tLocalBytes: [1-9][0-9]*$"), describe);
    }

    /** Runs {@code ailurus ARGS -b BROKER} in its own JVM, as CliIT does; returns stdout after a 0 exit. */
    private static String cli(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.ailurus.broker.Ailurus"));
        command.addAll(List.of(args));
        command.addAll(List.of("-b", broker.bootstrap()));
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        final Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ailurus " + String.join(" ", args) + " did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), Files.readString(err));
        return Files.readString(out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
