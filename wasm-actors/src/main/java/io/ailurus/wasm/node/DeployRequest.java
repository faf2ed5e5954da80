package io.ailurus.wasm.node;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ailurus.cluster.transform.TransformMetadata.StartPosition;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/transform/deploy}, Redpanda's layout: a JSON object ({@code name}, {@code input_topic},
 * {@code output_topics}, optional {@code environment} as key/value pairs, {@code compression}, {@code offset}) followed
 * at once by the raw WebAssembly bytes, with no delimiter.
 */
record DeployRequest(String name, String inputTopic, List<String> outputTopics, Map<String, String> environment,
                     StartPosition start, byte[] wasm) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("name", "input_topic", "output_topics", "environment",
            "compression", "offset");

    /** A request a person got wrong; the message says what. */
    static final class BadRequest extends Exception {
        BadRequest(final String message) {
            super(message);
        }
    }

    static DeployRequest parse(final byte[] body) throws BadRequest {
        final JsonNode meta;
        final int end;
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            meta = parser.readValueAsTree();
            if (meta == null || !meta.isObject()) {
                throw new BadRequest("the body must start with the transform's metadata as a JSON object");
            }
            end = (int) parser.currentLocation().getByteOffset();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("the body must start with the transform's metadata as a JSON object: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest("the body must start with the transform's metadata as a JSON object");
        }
        final Iterator<String> names = meta.fieldNames();
        while (names.hasNext()) {
            final String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new BadRequest("unknown field '" + field + "' in the metadata (known: " + FIELDS + ")");
            }
        }
        final String name = text(meta, "name", true);
        final String input = text(meta, "input_topic", true);
        final JsonNode outputs = meta.get("output_topics");
        if (outputs == null || !outputs.isArray()) {
            throw new BadRequest("output_topics must be a list of topic names");
        }
        final List<String> outputTopics = new java.util.ArrayList<>();
        for (final JsonNode o : outputs) {
            if (!o.isTextual()) {
                throw new BadRequest("output_topics must be a list of topic names");
            }
            outputTopics.add(o.asText());
        }
        final String compression = text(meta, "compression", false);
        if (compression != null && !Set.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            throw new BadRequest("compression must be none, gzip, snappy, lz4 or zstd");
        }
        final byte[] wasm = Arrays.copyOfRange(body, end, body.length);
        if (wasm.length == 0) {
            throw new BadRequest("no WebAssembly binary follows the metadata");
        }
        return new DeployRequest(name, input, outputTopics, environment(meta.get("environment")),
                start(meta.get("offset")), wasm);
    }

    /** {@code [{"key": K, "value": V}, ...]} as Redpanda sends it. */
    static Map<String, String> environment(final JsonNode env) throws BadRequest {
        final Map<String, String> vars = new LinkedHashMap<>();
        if (env == null || env.isNull()) {
            return vars;
        }
        if (!env.isArray()) {
            throw new BadRequest("environment must be a list of {\"key\": ..., \"value\": ...}");
        }
        for (final JsonNode kv : env) {
            final String key = text(kv, "key", true);
            if (vars.put(key, text(kv, "value", true)) != null) {
                throw new BadRequest("environment variable " + key + " is given twice");
            }
        }
        return vars;
    }

    private static StartPosition start(final JsonNode offset) throws BadRequest {
        if (offset == null || offset.isNull()) {
            return null;   // the deploy's time
        }
        final String format = text(offset, "format", true);
        final JsonNode value = offset.get("value");
        if (value == null || !value.canConvertToLong() || value.asLong() < 0) {
            throw new BadRequest("offset.value must be an integer ≥ 0");
        }
        return switch (format) {
            case "from_start" -> new StartPosition(StartPosition.Kind.FROM_START, value.asLong());
            case "from_end" -> new StartPosition(StartPosition.Kind.FROM_END, value.asLong());
            case "timestamp" -> new StartPosition(StartPosition.Kind.TIMESTAMP, value.asLong());
            default -> throw new BadRequest("offset.format must be from_start, from_end or timestamp");
        };
    }

    private static String text(final JsonNode node, final String field, final boolean required) throws BadRequest {
        final JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest(field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRequest(field + " must be a string");
        }
        return v.asText();
    }
}
