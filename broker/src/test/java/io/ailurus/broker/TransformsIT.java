package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data transforms on a real broker with the modules built by Redpanda's SDKs, deployed through the admin API as
 * {@code rpk transform deploy} sends them: outputs read back with kafka-clients (keys, values, headers, per-partition
 * order), every deploy refusal, a guest that traps (errored, restarted, reported, the others unharmed), pause, resume,
 * re-deploy and delete.
 */
@Timeout(240)
class TransformsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODULES = Path.of("..", "examples", "transforms", "modules");

    @TempDir
    static Path dataDir;

    static TestBroker broker;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        final int adminPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            adminPort = socket.getLocalPort();
        }
        final Map<String, Object> config = new HashMap<>();
        config.put("ailurus.cluster.admin.port", adminPort);
        broker = TestBroker.start(dataDir, config);
        admin = "http://127.0.0.1:" + adminPort + "/v1/transform";
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void createTopics(final Map<String, Integer> topics) throws Exception {
        try (Admin a = Admin.create(broker.clientProperties())) {
            final List<NewTopic> created = new ArrayList<>();
            topics.forEach((name, partitions) -> created.add(new NewTopic(name, partitions, (short) 1)));
            a.createTopics(created).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Redpanda's deploy body: the metadata JSON, then the binary. */
    static byte[] deployBody(final String name, final String input, final List<String> outputs,
                             final Map<String, String> env, final byte[] wasm) throws Exception {
        final ObjectNode meta = JSON.createObjectNode();
        meta.put("name", name);
        meta.put("input_topic", input);
        outputs.forEach(meta.putArray("output_topics")::add);
        final var environment = meta.putArray("environment");
        env.forEach((k, v) -> environment.addObject().put("key", k).put("value", v));
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(JSON.writeValueAsBytes(meta));
        body.writeBytes(wasm);
        return body.toByteArray();
    }

    private static AdminHttp.Reply deploy(final String name, final String input, final List<String> outputs,
                                          final String module) throws Exception {
        return AdminHttp.post(admin + "/deploy", deployBody(name, input, outputs, Map.of(),
                Files.readAllBytes(MODULES.resolve(module))));
    }

    private static JsonNode transform(final String name) throws Exception {
        for (final JsonNode t : AdminHttp.get(admin).body()) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static void produce(final String topic, final int partitions, final int from, final int count) {
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all")) {
            for (int i = from; i < from + count; i++) {
                final ProducerRecord<String, String> r = new ProducerRecord<>(topic, i % partitions, "k-" + i,
                        "value-" + i + "-straße");
                r.headers().add("h", ("hv-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(r);
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<String, String>> read(final String topic, final int partitions,
                                                             final int count) {
        final List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker)) {
            return Clients.readFromStart(consumer, tps, count, Duration.ofSeconds(60));
        }
    }

    @Test
    void goAndRustModulesTransformEveryRecordOfEveryPartition() throws Exception {
        createTopics(Map.of("orders", 3, "orders-upper", 3, "orders-copy", 1));
        final AdminHttp.Reply go = deploy("upper", "orders", List.of("orders-upper"), "go-uppercase.wasm");
        assertEquals(200, go.status(), go.text());
        final AdminHttp.Reply rust = deploy("copy", "orders", List.of("orders-copy"), "rust-identity.wasm");
        assertEquals(200, rust.status(), rust.text());

        produce("orders", 3, 0, 300);   // right after the deploy: none may be skipped (Redpanda issue #17370)

        final List<ConsumerRecord<String, String>> upper = read("orders-upper", 3, 300);
        assertEquals(300, upper.size());
        final Map<Integer, List<Integer>> byPartition = new HashMap<>();
        for (final ConsumerRecord<String, String> r : upper) {
            final int i = Integer.parseInt(r.key().substring(2));
            assertEquals("VALUE-" + i + "-STRAßE", r.value(), "Go's bytes.ToUpper has no single upper-case ß");
            assertEquals(i % 3, r.partition(), "output partition = input partition mod the output's count");
            assertEquals("hv-" + i, new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8));
            byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(i);
        }
        byPartition.values().forEach(order -> assertEquals(order.stream().sorted().toList(), order,
                "each input partition's records keep their order"));

        final List<ConsumerRecord<String, String>> copies = read("orders-copy", 1, 300);
        assertEquals(300, copies.stream().map(ConsumerRecord::key).distinct().count());
        assertTrue(copies.stream().allMatch(r -> r.value().equals("value-" + r.key().substring(2) + "-straße")));

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            final JsonNode t = transform("upper");
            int running = 0;
            long lag = 0;
            for (final JsonNode s : t.get("status")) {
                running += s.get("status").asText().equals("running") ? 1 : 0;
                lag += s.get("lag").asLong();
            }
            return running == 3 && lag == 0;
        });
        final JsonNode listed = transform("upper");
        assertEquals("orders", listed.get("input_topic").asText());
        assertEquals("orders-upper", listed.get("output_topics").get(0).asText());
    }

    @Test
    void badDeploymentsAreRefusedWithAReason() throws Exception {
        createTopics(Map.of("refusals-in", 1, "refusals-out", 1));
        final byte[] identity = Files.readAllBytes(MODULES.resolve("go-identity.wasm"));
        final Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        bodies.put("name is required", ("{\"input_topic\":\"refusals-in\",\"output_topics\":[\"refusals-out\"]}"
                + new String(identity, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
        bodies.put("'nope' does not exist", deployBody("x", "nope", List.of("refusals-out"), Map.of(), identity));
        bodies.put("not a valid WebAssembly module", deployBody("x", "refusals-in", List.of("refusals-out"), Map.of(),
                "hello".getBytes(StandardCharsets.UTF_8)));
        bodies.put("missing _start function", deployBody("x", "refusals-in", List.of("refusals-out"), Map.of(),
                new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}));
        bodies.put("names starting with REDPANDA_", deployBody("x", "refusals-in", List.of("refusals-out"),
                Map.of("REDPANDA_X", "1"), identity));
        bodies.put("its own input topic", deployBody("x", "refusals-in", List.of("refusals-in"), Map.of(), identity));
        bodies.put("no WebAssembly binary", deployBody("x", "refusals-in", List.of("refusals-out"), Map.of(),
                new byte[0]));
        for (final Map.Entry<String, byte[]> e : bodies.entrySet()) {
            final AdminHttp.Reply reply = AdminHttp.post(admin + "/deploy", e.getValue());
            assertEquals(400, reply.status(), e.getKey() + ": " + reply.text());
            assertTrue(reply.body().get("message").asText().contains(e.getKey()), reply.text());
        }
        final AdminHttp.Reply missing = AdminHttp.delete(admin + "/nope");
        assertEquals(404, missing.status(), missing.text());
        assertTrue(transform("x") == null, "nothing was deployed");
    }

    @Test
    void pauseResumeRedeployAndDelete() throws Exception {
        createTopics(Map.of("life-in", 1, "life-out", 1));
        assertEquals(200, deploy("life", "life-in", List.of("life-out"), "go-identity.wasm").status());
        produce("life-in", 1, 0, 10);
        read("life-out", 1, 10);

        assertEquals(200, AdminHttp.put(admin + "/life/meta", "{\"is_paused\": true}").status());
        await().atMost(Duration.ofSeconds(30)).until(() ->
                transform("life").get("status").get(0).get("status").asText().equals("inactive"));
        produce("life-in", 1, 10, 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> transform("life").get("status").get(0),
                s -> s.get("lag").asLong() == 10);

        assertEquals(200, AdminHttp.put(admin + "/life/meta", "{\"is_paused\": false}").status());
        final List<ConsumerRecord<String, String>> all = read("life-out", 1, 20);
        assertEquals(20, all.size());

        // A re-deploy with another binary (here while paused, so that the switch-over point is known) continues where
        // the first one ended: no record twice, none skipped.
        assertEquals(200, AdminHttp.put(admin + "/life/meta", "{\"is_paused\": true}").status());
        assertEquals(200, deploy("life", "life-in", List.of("life-out"), "rust-uppercase.wasm").status());
        assertTrue(transform("life").get("paused").asBoolean(), "a re-deploy keeps the transform paused");
        produce("life-in", 1, 20, 5);
        assertEquals(200, AdminHttp.put(admin + "/life/meta", "{\"is_paused\": false}").status());
        final List<ConsumerRecord<String, String>> after = read("life-out", 1, 25);
        assertEquals("VALUE-24-STRASSE", after.get(24).value(), "the new binary (full Unicode upper-casing) runs");
        assertEquals("value-19-straße", after.get(19).value());
        assertEquals(25, after.stream().map(ConsumerRecord::key).distinct().count());

        assertEquals(200, AdminHttp.delete(admin + "/life").status());
        assertTrue(transform("life") == null);
        assertEquals(400, AdminHttp.put(admin + "/life/meta", "{\"is_paused\": 1}").status());
        assertEquals(404, AdminHttp.put(admin + "/life/meta", "{\"is_paused\": true}").status());
    }

    /** Writes "boom" to stderr and traps on every batch. */
    private static final String TRAPS = """
            (module
              (import "redpanda_transform" "check_abi_version_2" (func $abi))
              (import "redpanda_transform" "read_batch_header"
                (func $header (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 3000) "boom\\n")
              (data (i32.const 3100) "\\b8\\0b\\00\\00\\05\\00\\00\\00")
              (func (export "_start")
                (call $abi)
                (drop (call $header (i32.const 0) (i32.const 8) (i32.const 16) (i32.const 24) (i32.const 32)
                  (i32.const 40) (i32.const 48) (i32.const 56) (i32.const 64) (i32.const 72)))
                (drop (call $fd_write (i32.const 2) (i32.const 3100) (i32.const 1) (i32.const 3200)))
                unreachable))
            """;

    @Test
    void aTrappingTransformIsErroredRestartedAndLoggedWhileTheOthersRun() throws Exception {
        createTopics(Map.of("trap-in", 1, "trap-out", 1, "calm-in", 1, "calm-out", 1));
        final AdminHttp.Reply deployed = AdminHttp.post(admin + "/deploy", deployBody("broken", "trap-in",
                List.of("trap-out"), Map.of(), com.dylibso.chicory.wabt.Wat2Wasm.parse(TRAPS)));
        assertEquals(200, deployed.status(), deployed.text());
        assertEquals(200, deploy("calm", "calm-in", List.of("calm-out"), "go-identity.wasm").status());
        produce("trap-in", 1, 0, 3);
        produce("calm-in", 1, 0, 50);

        await().atMost(Duration.ofSeconds(60)).until(() -> transform("broken").get("status").get(0),
                s -> s.get("status").asText().equals("errored") && s.get("restarts").asInt() >= 2
                        && s.get("error").asText().contains("trapped") && s.get("error").asText().contains("boom"));
        assertEquals(50, read("calm-out", 1, 50).size(), "the other transform is unharmed");
        assertEquals(3, transform("broken").get("status").get(0).get("lag").asLong(), "no record was skipped");

        final String logs = cli("transform", "logs", "broken", "-b", broker.bootstrap());
        assertTrue(logs.contains("WARN  partition 0: boom"), logs);
        assertTrue(logs.contains("ERROR partition 0: the transform trapped"), logs);
        final String list = cli("transform", "list", "--admin", admin.substring("http://".length(),
                admin.indexOf("/v1")));
        assertTrue(list.lines().anyMatch(l -> l.startsWith("broken") && l.contains("errored 1")), list);
        assertTrue(list.contains("partition 0 errored: the transform trapped"), list);
        assertEquals(200, AdminHttp.delete(admin + "/broken").status());
    }

    @Test
    void theCliDeploysListsAndDeletes() throws Exception {
        createTopics(Map.of("cli-in", 2, "cli-out", 2));
        final String adminAddress = admin.substring("http://".length(), admin.indexOf("/v1"));
        final String deployed = cli("transform", "deploy", MODULES.resolve("rust-filter.wasm").toString(),
                "--name", "keep", "-i", "cli-in", "-o", "cli-out", "--var", "MODE=strict", "--from-offset", "+0",
                "--admin", adminAddress);
        assertEquals("deployed transform 'keep': cli-in -> cli-out\n", deployed);
        produce("cli-in", 2, 0, 4);   // values value-i-straße: none contains "keep"
        try (KafkaProducer<String, String> producer = Clients.producer(broker, "acks", "all")) {
            producer.send(new ProducerRecord<>("cli-in", 1, "kept", "please keep me")).get(30, TimeUnit.SECONDS);
        }
        final List<ConsumerRecord<String, String>> out = read("cli-out", 2, 1);
        assertEquals("please keep me", out.get(0).value());
        assertEquals(1, out.get(0).partition());
        final String list = cli("transform", "list", "--admin", adminAddress);
        assertTrue(list.lines().anyMatch(l -> l.startsWith("keep") && l.contains("cli-in") && l.contains("cli-out")),
                list);
        final JsonNode env = transform("keep").get("environment");
        assertEquals(1, env.size());
        assertEquals("MODE", env.get(0).get("key").asText());
        assertEquals("strict", env.get(0).get("value").asText());
        assertEquals("deleted transform 'keep'\n", cli("transform", "delete", "keep", "--admin", adminAddress));
        final CliResult missing = cliResult("transform", "delete", "keep", "--admin", adminAddress);
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("transform 'keep' does not exist (HTTP 404)"), missing.err());
    }

    private record CliResult(int exit, String out, String err) {
    }

    private static String cli(final String... args) throws Exception {
        final CliResult r = cliResult(args);
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    /** Runs {@code ailurus ARGS} in its own JVM, as a user would. */
    private static CliResult cliResult(final String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.ailurus.broker.Ailurus"));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(dataDir, "out", ".txt");
        final Path err = Files.createTempFile(dataDir, "err", ".txt");
        final Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ailurus " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
