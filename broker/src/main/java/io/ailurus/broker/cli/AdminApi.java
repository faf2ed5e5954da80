package io.ailurus.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options and calls of commands that talk to a node's admin HTTP API (the transforms'). */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "${env:AILURUS_ADMIN:-127.0.0.1:9644}",
            description = "The node's admin API (default: ${DEFAULT-VALUE}; env AILURUS_ADMIN).")
    String admin;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "30000",
            description = "How long one call may take (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    /** A call that failed in a way the operator can act on; its message is the whole story. */
    static final class Failure extends Exception {
        Failure(final String message) {
            super(message);
        }
    }

    JsonNode get(final String path) throws Failure {
        return send(request(path).GET());
    }

    JsonNode post(final String path, final byte[] body) throws Failure {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    JsonNode put(final String path, final Object json) throws Failure {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(json))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode delete(final String path) throws Failure {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(final String path) {
        return HttpRequest.newBuilder(URI.create("http://" + admin + path)).timeout(Duration.ofMillis(timeoutMs));
    }

    private JsonNode send(final HttpRequest.Builder request) throws Failure {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(Math.min(timeoutMs, 5_000)))
                .build();
        final HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new Failure("cannot reach the admin API at " + admin + " (is the node running? --admin)");
        } catch (IOException e) {
            throw new Failure("the admin API at " + admin + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() / 100 != 2) {
            final String message = body != null && body.has("message") ? body.get("message").asText()
                    : new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
            throw new Failure(message + " (HTTP " + response.statusCode() + ")");
        }
        return body;
    }
}
