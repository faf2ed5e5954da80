package io.ailurus.wasm.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ailurus.cluster.transform.TransformMetadata.StartPosition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deploy body as Redpanda's tools send it: the metadata JSON, then the binary with no delimiter. */
class DeployRequestTest {

    private static final byte[] WASM = {0, 'a', 's', 'm', 1, 0, 0, 0, '{', '}'};

    private static byte[] body(final String json, final byte[] wasm) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(wasm);
        return out.toByteArray();
    }

    @Test
    void theBinaryStartsRightAfterTheMetadata() throws Exception {
        final DeployRequest r = DeployRequest.parse(body("""
                {"name":"n","input_topic":"in","output_topics":["a","b"],
                 "environment":[{"key":"K","value":"V"}],"offset":{"format":"from_end","value":3}}""", WASM));
        assertEquals("n", r.name());
        assertEquals(List.of("a", "b"), r.outputTopics());
        assertEquals(Map.of("K", "V"), r.environment());
        assertEquals(new StartPosition(StartPosition.Kind.FROM_END, 3), r.start());
        assertArrayEquals(WASM, r.wasm(), "braces inside the binary are not part of the JSON");
        assertNull(DeployRequest.parse(body("{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"]}",
                WASM)).start(), "no offset: the deploy's time");
    }

    @Test
    void aBadBodyIsRefusedWithWhatIsWrong() {
        final Map<String, String> cases = Map.of(
                "not json", "must start with the transform's metadata",
                "[1]", "must start with the transform's metadata as a JSON object",
                "{\"input_topic\":\"in\",\"output_topics\":[\"a\"]}", "name is required",
                "{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":\"a\"}", "output_topics must be a list",
                "{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"],\"extra\":1}", "unknown field 'extra'",
                "{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"],\"compression\":\"brotli\"}",
                "compression must be",
                "{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"],\"offset\":{\"format\":\"x\",\"value\":1}}",
                "offset.format must be",
                "{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"],\"offset\":{\"format\":\"timestamp\",\"value\":-1}}",
                "offset.value must be",
                "{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"],\"environment\":[{\"key\":\"K\",\"value\":\"1\"},{\"key\":\"K\",\"value\":\"2\"}]}",
                "given twice");
        cases.forEach((json, message) -> {
            final DeployRequest.BadRequest e = assertThrows(DeployRequest.BadRequest.class,
                    () -> DeployRequest.parse(body(json, WASM)), json);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(message), json + " -> " + e.getMessage());
        });
        final DeployRequest.BadRequest noBinary = assertThrows(DeployRequest.BadRequest.class, () -> DeployRequest.parse(
                body("{\"name\":\"n\",\"input_topic\":\"in\",\"output_topics\":[\"a\"]}", new byte[0])));
        assertEquals("no WebAssembly binary follows the metadata", noBinary.getMessage());
    }
}
