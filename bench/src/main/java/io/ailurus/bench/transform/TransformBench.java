package io.ailurus.bench.transform;

import io.ailurus.bench.broker.AilurusBroker;
import io.ailurus.bench.broker.ChildJvm;
import io.ailurus.bench.broker.FreePorts;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Data transforms on one node: (1) the broker's own produce throughput of the input (acks=all), the ceiling; (2) the
 * backlog throughput of the identity transform built with Redpanda's Go SDK and with its Rust SDK over the same
 * records, from the deploy until every output is written; (3) the output lag (input produce time to output consumed)
 * at a fixed input rate, after a warm-up of a few seconds at that rate; (4) the time from a deploy request to the
 * first output record.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp "$(cat bench/target/classpath.txt):bench/target/classes" io.ailurus.bench.transform.TransformBench [--quick] [--jfr]
 * </pre>
 */
public final class TransformBench {

    private static final int PARTITIONS = 6;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Path home;
    private final int records;
    private final int recordBytes;
    private final int lagSeconds;
    private final double lagMBps;
    private String bootstrap;
    private String admin;

    private final boolean jfr;

    private TransformBench(final Path home, final boolean quick, final boolean jfr) {
        this.jfr = jfr;
        this.home = home;
        this.records = quick ? 100_000 : 1_000_000;
        this.recordBytes = 1024;
        this.lagSeconds = quick ? 10 : 30;
        this.lagMBps = 10;
    }

    public static void main(final String[] args) throws Exception {
        final boolean quick = List.of(args).contains("--quick");
        new TransformBench(Path.of("").toAbsolutePath(), quick, List.of(args).contains("--jfr")).run();
    }

    private void run() throws Exception {
        final Path dir = home.resolve("bench/target/transform-bench");
        deleteTree(dir);
        Files.createDirectories(dir);
        final int port = FreePorts.next();
        final int adminPort = FreePorts.next();
        bootstrap = "127.0.0.1:" + port;
        admin = "http://127.0.0.1:" + adminPort;
        final List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
        if (jfr) {
            jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve("ailurus.jfr") + ",settings=profile");
        }
        jvm.addAll(AilurusBroker.requiredJvmFlags());
        final ChildJvm broker = ChildJvm.start("ailurus", jvm, AilurusBroker.classpath(home), AilurusBroker.MAIN_CLASS,
                List.of("start", "--data-dir", dir.resolve("data").toString(), "--port", String.valueOf(port),
                        "--cluster-port", String.valueOf(FreePorts.next()), "--admin-port", String.valueOf(adminPort)),
                dir, dir.resolve("ailurus.log"));
        try {
            broker.awaitPort(port, Duration.ofSeconds(120));
            broker.awaitPort(adminPort, Duration.ofSeconds(60));
            final String started = Instant.now().toString();
            createTopics(List.of("in", "out-go", "out-go-warm", "out-rust", "lag-in", "lag-out", "first-in", "first-out"));
            final double produceMBps = produce("in", records) ;
            final double[] go = backlog("identity-go", "go-identity.wasm", "out-go");
            // The same binary again: HotSpot has compiled its methods (once per node and binary, shared by its VMs).
            final double[] goWarm = backlog("identity-go-warm", "go-identity.wasm", "out-go-warm");
            final double[] rust = backlog("identity-rust", "rust-identity.wasm", "out-rust");
            final Histogram lag = lag();
            final long firstOutputMs = deployToFirstOutput();
            print(started, produceMBps, go, goWarm, rust, lag, firstOutputMs);
        } finally {
            broker.stop(Duration.ofSeconds(30));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private void createTopics(final List<String> names) throws Exception {
        try (Admin a = admin()) {
            final List<NewTopic> topics = new ArrayList<>();
            names.forEach(n -> topics.add(new NewTopic(n, PARTITIONS, (short) 1)));
            a.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Produces {@code count} records as fast as acks=all allows; returns MB/s (10^6 bytes of values). */
    private double produce(final String topic, final int count) {
        final byte[] value = new byte[recordBytes];
        new java.util.Random(7).nextBytes(value);
        final long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value));
            }
            producer.flush();
        }
        return (double) count * recordBytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    /** Deploys {@code module} from the start of "in" and waits for every output; returns {records/s, MB/s}. */
    private double[] backlog(final String name, final String module, final String output) throws Exception {
        final long start = System.nanoTime();
        deploy(name, "in", output, module, "{\"format\":\"from_start\",\"value\":0}");
        awaitOutputs(output, records, Duration.ofMinutes(20));
        final double seconds = (System.nanoTime() - start) / 1e9;
        delete(name);
        return new double[] {records / seconds, (double) records * recordBytes / 1e6 / seconds};
    }

    /** Seconds at the lag run's rate before the measured ones: the JVMs' code paths warm up (JIT), not measured. */
    private static final int LAG_WARM_UP_SECONDS = 5;

    /**
     * The identity transform (Rust) on a live input at a fixed rate; each input carries its send time in a header.
     * The reader is positioned before the first send (its own start is not the transform's lag), and the first
     * {@link #LAG_WARM_UP_SECONDS} seconds of input are a warm-up whose worst lag is printed but not counted.
     */
    private Histogram lag() throws Exception {
        deploy("lag", "lag-in", "lag-out", "rust-identity.wasm", null);
        awaitRunning("lag");   // the steady state: not the seconds in which its VMs start
        final Histogram lags = new Histogram(60_000, 3);
        final int perSecond = (int) (lagMBps * 1e6 / recordBytes);
        final int warmUp = perSecond * LAG_WARM_UP_SECONDS;
        final int total = warmUp + perSecond * lagSeconds;
        final java.util.concurrent.CountDownLatch readerReady = new java.util.concurrent.CountDownLatch(1);
        final Thread reader = new Thread(() -> readLags(total, lags, readerReady), "lag-reader");
        reader.start();
        if (!readerReady.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the lag reader did not start");
        }
        final byte[] value = new byte[recordBytes];
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            final long begin = System.nanoTime();
            for (int i = 0; i < total; i++) {
                // Paced by sleeping, not spinning: a spinning producer would take one of the box's two cores.
                final long wait = begin + (long) (i * 1e9 / perSecond) - System.nanoTime();
                if (wait > 200_000) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                final ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("lag-in", i % PARTITIONS, null, value);
                r.headers().add("sent", String.valueOf(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
                if (i < warmUp) {
                    r.headers().add("warm-up", new byte[0]);
                }
                producer.send(r);
            }
        }
        reader.join(TimeUnit.MINUTES.toMillis(2));
        delete("lag");
        return lags;
    }

    /** The worst lag of the records sent in each measured second of the lag run, to tell a stall from a steady lag. */
    private final java.util.SortedMap<Integer, Long> worstPerSecond = new java.util.TreeMap<>();
    private long firstSentMs = -1;
    private long worstWarmUpMs;

    private void readLags(final int total, final Histogram lags, final java.util.concurrent.CountDownLatch ready) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> tps = partitions("lag-out");
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            tps.forEach(consumer::position);   // resolves the start offsets now, not on the first poll
            consumer.poll(Duration.ZERO);
            ready.countDown();
            int seen = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(lagSeconds + 120L);
            while (seen < total && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    final long sent = Long.parseLong(new String(r.headers().lastHeader("sent").value(),
                            StandardCharsets.UTF_8));
                    final long lagMs = Math.max(0, Math.min(59_999, System.currentTimeMillis() - sent));
                    seen++;
                    if (r.headers().lastHeader("warm-up") != null) {
                        worstWarmUpMs = Math.max(worstWarmUpMs, lagMs);
                        continue;
                    }
                    lags.recordValue(lagMs);
                    if (firstSentMs < 0) {
                        firstSentMs = sent;
                    }
                    worstPerSecond.merge((int) ((sent - firstSentMs) / 1000), lagMs, Math::max);
                }
            }
        }
    }

    /** From the deploy request to the first output consumed (one record waits in the input). */
    private long deployToFirstOutput() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("first-in", 0, null, new byte[recordBytes])).get();
        }
        final long start = System.nanoTime();
        deploy("first", "first-in", "first-out", "go-identity.wasm", "{\"format\":\"from_start\",\"value\":0}");
        awaitOutputs("first-out", 1, Duration.ofMinutes(2));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private List<TopicPartition> partitions(final String topic) {
        final List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    private void awaitOutputs(final String topic, final long count, final Duration timeout) throws Exception {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin a = admin()) {
            final Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions(topic).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            while (System.nanoTime() < deadline) {
                final long sum = a.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                        .mapToLong(i -> i.offset()).sum();
                if (sum >= count) {
                    return;
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(topic + " did not reach " + count + " records within " + timeout);
    }

    private void deploy(final String name, final String input, final String output, final String module,
                        final String offset) throws Exception {
        final String meta = "{\"name\":\"" + name + "\",\"input_topic\":\"" + input + "\",\"output_topics\":[\""
                + output + "\"]" + (offset == null ? "" : ",\"offset\":" + offset) + "}";
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(meta.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(home.resolve("examples/transforms/modules").resolve(module)));
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/v1/transform/deploy"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("deploy of " + name + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    /** Until every partition of {@code name} reports running. */
    private void awaitRunning(final String name) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            final String list = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/v1/transform")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            final int at = list.indexOf("\"name\":\"" + name + "\"");
            final String mine = at < 0 ? "" : list.substring(at);
            final int end = mine.indexOf("\"name\":", 8);
            final String status = end < 0 ? mine : mine.substring(0, end);
            if (at >= 0 && status.split("\"status\":\"running\"", -1).length - 1 == PARTITIONS) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not run on every partition within 60 s");
    }

    private void delete(final String name) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/v1/transform/" + name)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void print(final String started, final double produceMBps, final double[] go, final double[] goWarm,
                       final double[] rust,
                       final Histogram lag, final long firstOutputMs) {
        System.out.printf("""
                TransformBench, started %s: %d records of %d B, %d partitions, one node
                  produce acks=all (the ceiling)      %8.1f MB/s
                  backlog identity, Go SDK module     %8.1f MB/s  %9.0f records/s  ratio %.2f  (target >= 0.50)
                  ... again, its code compiled (warm) %8.1f MB/s  %9.0f records/s  ratio %.2f
                  backlog identity, Rust SDK module   %8.1f MB/s  %9.0f records/s  ratio %.2f  (target >= 0.50)
                  output lag at %.0f MB/s (Rust)        p50 %d ms  p99 %d ms  max %d ms  (target p99 <= 100 ms)
                  deploy to first output (Go)         %d ms
                """, started, records, recordBytes, PARTITIONS, produceMBps, go[1], go[0], go[1] / produceMBps,
                goWarm[1], goWarm[0], goWarm[1] / produceMBps,
                rust[1], rust[0], rust[1] / produceMBps, lagMBps, lag.getValueAtPercentile(50),
                lag.getValueAtPercentile(99), lag.getMaxValue(), firstOutputMs);
        System.out.println("  worst lag (ms) of the records sent in each measured second of the lag run: "
                + worstPerSecond.values() + "; in the " + LAG_WARM_UP_SECONDS + " s warm-up before: " + worstWarmUpMs);
    }

    private static void deleteTree(final Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
