package io.ailurus.bench.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls the cluster bench makes to an ailurus node's admin API on 127.0.0.1: {@code GET /ready},
 * {@code GET /v1/cluster/health}, {@code GET /v1/partitions/{topic}/{p}}. Every call is bounded by a short timeout;
 * a node that is down or slow simply gives no answer. The JSON answers are read with patterns for the one or two
 * fields needed.
 */
final class AdminHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*(-?\\d+)");
    private static final Pattern HEALTHY = Pattern.compile("\"healthy\"\\s*:\\s*true");
    private static final Pattern NODES = Pattern.compile("\"nodes\"\\s*:\\s*\\[([^\\]]*)\\]");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code GET /ready} answers 200. */
    boolean ready(final int adminPort) throws InterruptedException {
        return get(adminPort, "/ready").map(r -> r.statusCode() == 200).orElse(false);
    }

    /** {@code GET /v1/cluster/health} says healthy and lists {@code expectedNodes} nodes. */
    boolean healthy(final int adminPort, final int expectedNodes) throws InterruptedException {
        final Optional<HttpResponse<String>> r = get(adminPort, "/v1/cluster/health");
        if (r.isEmpty() || r.get().statusCode() != 200 || !HEALTHY.matcher(r.get().body()).find()) {
            return false;
        }
        final Matcher nodes = NODES.matcher(r.get().body());
        return nodes.find() && nodes.group(1).split(",").length == expectedNodes;
    }

    /** The leader's node id as this node sees it, or -1. */
    int leader(final int adminPort, final String topic, final int partition) throws InterruptedException {
        final Optional<HttpResponse<String>> r = get(adminPort, "/v1/partitions/" + topic + "/" + partition);
        if (r.isEmpty() || r.get().statusCode() != 200) {
            return -1;
        }
        final Matcher m = LEADER.matcher(r.get().body());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private Optional<HttpResponse<String>> get(final int port, final String path) throws InterruptedException {
        try {
            return Optional.of(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
