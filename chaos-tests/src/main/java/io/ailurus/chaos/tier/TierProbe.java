package io.ailurus.chaos.tier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.chaos.cluster.BrokerNode;
import io.ailurus.chaos.cluster.ClusterUnderTest;
import io.ailurus.chaos.report.TierSummary;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Asks the cluster how much of each tiered partition only the bucket holds, and what its leader's tier reports. */
public final class TierProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private TierProbe() {
    }

    /**
     * Per partition: ListOffsets earliest, earliest-local and latest, from the leaders, retried until {@code limit}
     * (a leader may still be settling after the faults). Each partition is asked on its own, so one that cannot answer
     * does not hide the others; those never measured are left out and named in {@code problems}.
     */
    public static Map<Integer, TierSummary.Share> shares(final String bootstrap, final String topic, final int partitions,
            final Duration limit, final List<String> problems) throws InterruptedException {
        final long deadline = System.nanoTime() + limit.toNanos();
        final Map<Integer, TierSummary.Share> shares = new HashMap<>();
        final Map<Integer, String> errors = new HashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"))) {
            while (shares.size() < partitions && System.nanoTime() < deadline) {
                for (int p = 0; p < partitions; p++) {
                    if (shares.containsKey(p)) {
                        continue;
                    }
                    final TopicPartition tp = new TopicPartition(topic, p);
                    try {
                        shares.put(p, new TierSummary.Share(offset(admin, tp, OffsetSpec.earliest()),
                                offset(admin, tp, OffsetSpec.earliestLocal()), offset(admin, tp, OffsetSpec.latest())));
                    } catch (Exception e) {
                        errors.put(p, e.getCause() != null ? e.getCause().toString() : e.toString());
                    }
                }
                if (shares.size() < partitions) {
                    Thread.sleep(1000);
                }
            }
        }
        for (int p = 0; p < partitions; p++) {
            if (!shares.containsKey(p)) {
                problems.add("ListOffsets earliest/earliest-local/latest of partition " + p + " failed for "
                        + limit.toSeconds() + " s: " + errors.get(p));
            }
        }
        return shares;
    }

    private static long offset(final Admin admin, final TopicPartition tp, final OffsetSpec spec) throws Exception {
        final ListOffsetsResult.ListOffsetsResultInfo info = admin.listOffsets(Map.of(tp, spec)).partitionResult(tp)
                .get(10, TimeUnit.SECONDS);
        return info.offset();
    }

    /** One line per partition from the node that leads it ({@code GET /v1/cloud_storage/status/...}). */
    public static List<String> status(final ClusterUnderTest cluster, final String topic, final int partitions,
            final List<String> problems) {
        final List<String> lines = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            String line = null;
            for (final BrokerNode node : cluster.nodes()) {
                final String base = "http://" + node.spec().host() + ":" + node.spec().adminPort() + "/v1/cloud_storage/";
                try {
                    final HttpResponse<String> r = get(base + "status/" + topic + "/" + p);
                    if (r.statusCode() != 200) {
                        continue;
                    }
                    final JsonNode s = JSON.readTree(r.body());
                    if (!s.path("leader").asBoolean()) {
                        continue;
                    }
                    line = String.format("p%d: leader n%d, bucket %d..%d (%d segments, %d bytes), local start %d, "
                                    + "high watermark %d, local %d bytes, pending %d offsets%s",
                            p, node.id(), s.path("remoteStartOffset").asLong(), s.path("uploadedOffset").asLong(),
                            s.path("remoteSegments").asInt(), s.path("remoteBytes").asLong(),
                            s.path("localStartOffset").asLong(), s.path("highWatermark").asLong(),
                            s.path("localBytes").asLong(), s.path("pendingOffsets").asLong(),
                            s.path("failing").asBoolean() ? ", uploads FAILING for " + s.path("failingForSeconds").asLong()
                                    + " s: " + s.path("lastError").asText() : "");
                    break;
                } catch (IOException e) {
                    // that node is down or slow: ask the next
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return lines;
                }
            }
            if (line == null) {
                problems.add("no node reported itself leader of partition " + p + " in /v1/cloud_storage/status");
            } else {
                lines.add(line);
            }
        }
        return lines;
    }

    private static HttpResponse<String> get(final String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
