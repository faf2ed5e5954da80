package io.ailurus.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.chaos.checker.BrokerEvidence;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers what the brokers say about themselves after a run: every node's replica of every partition (admin API
 * {@code /v1/partitions/{topic}/{p}/records}, for A11) and every election the nodes logged (for A12).
 */
public final class BrokerEvidenceCollector {

    /** RaftMember's election line: {@code [<topic>-<partition>] elected leader term=<t> leader=<node>}. */
    private static final Pattern ELECTED = Pattern.compile("\\[(.+)-(\\d+)\\] elected leader term=(\\d+) leader=(\\d+)");
    /** Offsets that hold no data record (Raft control batches, or below the log start) compare as this. */
    private static final long NO_VALUE = -1L;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private BrokerEvidenceCollector() {
    }

    public static BrokerEvidence collect(final ClusterUnderTest cluster, final String topic, final int partitions,
            final Map<Integer, List<String>> nodeLogs, final List<String> problems) {
        return new BrokerEvidence(nodeLogs, cluster.unexpectedExits(),
                Optional.of(replicaLogs(cluster, topic, partitions, problems)),
                Optional.of(leaderEvents(nodeLogs, topic)), Optional.empty());
    }

    static List<BrokerEvidence.LeaderEvent> leaderEvents(final Map<Integer, List<String>> nodeLogs, final String topic) {
        final List<BrokerEvidence.LeaderEvent> events = new ArrayList<>();
        nodeLogs.forEach((node, lines) -> {
            for (final String line : lines) {
                final Matcher m = ELECTED.matcher(line);
                if (m.find() && m.group(1).equals(topic)) {
                    events.add(new BrokerEvidence.LeaderEvent(Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
                            Integer.parseInt(m.group(4))));
                }
            }
        });
        return events;
    }

    private static Map<Integer, Map<Integer, BrokerEvidence.ReplicaLog>> replicaLogs(final ClusterUnderTest cluster,
            final String topic, final int partitions, final List<String> problems) {
        final Map<Integer, Map<Integer, BrokerEvidence.ReplicaLog>> logs = new HashMap<>();
        for (final BrokerNode node : cluster.nodes()) {
            final NodeSpec spec = node.spec();
            for (int p = 0; p < partitions; p++) {
                final String url = "http://" + spec.host() + ":" + spec.adminPort() + "/v1/partitions/" + topic + "/" + p
                        + "/records";
                try {
                    final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        logs.computeIfAbsent(spec.id(), k -> new HashMap<>()).put(p, replicaLog(JSON.readTree(response.body())));
                    }
                } catch (IOException e) {
                    problems.add("replica dump of partition " + p + " from node " + spec.id() + " failed: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return logs;
                }
            }
        }
        return logs;
    }

    /** Values indexed by offset, so that replicas compare offset by offset below their high watermark. */
    private static BrokerEvidence.ReplicaLog replicaLog(final JsonNode dump) {
        final int end = (int) dump.get("logEndOffset").asLong();
        final List<Long> values = new ArrayList<>(Collections.nCopies(end, NO_VALUE));
        for (final JsonNode record : dump.get("records")) {
            final int offset = (int) record.get("offset").asLong();
            final JsonNode value = record.get("value");
            if (offset < end) {
                values.set(offset, value == null || value.isNull() ? NO_VALUE : parse(value.asText()));
            }
        }
        return new BrokerEvidence.ReplicaLog(values, dump.get("highWatermark").asLong(),
                dump.path("logStartOffset").asLong(0));
    }

    private static long parse(final String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return NO_VALUE - 1;   // not a workload value: still compared, as one distinct value
        }
    }
}
