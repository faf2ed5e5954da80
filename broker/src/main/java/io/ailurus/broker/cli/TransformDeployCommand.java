package io.ailurus.broker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code ailurus transform deploy FILE.wasm --name N -i IN -o OUT...}, as {@code rpk transform deploy}. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a transform (or update one of the same name: new binary or variables, same topics).")
final class TransformDeployCommand extends AdminCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "FILE", description = "The WebAssembly module, built with a Redpanda transform SDK.")
    Path file;

    @Option(names = "--name", required = true, description = "The transform's name.")
    String name;

    @Option(names = {"-i", "--input-topic"}, required = true, paramLabel = "TOPIC", description = "The topic it reads.")
    String input;

    @Option(names = {"-o", "--output-topic"}, required = true, paramLabel = "TOPIC",
            description = "A topic it writes (repeat for up to 8; the first is the default).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--var", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "An environment variable of the transform (repeatable).")
    List<KeyValue> vars = new ArrayList<>();

    @Option(names = "--from-offset", paramLabel = "@T|+N|-N",
            description = "Where a first deploy starts: @T a timestamp in ms, +N N records after each partition's "
                    + "start, -N N records before its end (default: the deploy's time).")
    String fromOffset;

    @Override
    protected int execute() throws Exception {
        final ObjectNode meta = JSON.createObjectNode();
        meta.put("name", name);
        meta.put("input_topic", input);
        final ArrayNode out = meta.putArray("output_topics");
        outputs.forEach(out::add);
        final ArrayNode env = meta.putArray("environment");
        vars.forEach(v -> env.addObject().put("key", v.key()).put("value", v.value()));
        if (fromOffset != null) {
            meta.set("offset", offset(fromOffset));
        }
        final byte[] wasm;
        try {
            wasm = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new AdminApi.Failure("no such file: " + file);
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(JSON.writeValueAsBytes(meta));
        body.writeBytes(wasm);
        api.post("/v1/transform/deploy", body.toByteArray());
        spec.commandLine().getOut().printf("deployed transform '%s': %s -> %s%n", name, input,
                String.join(", ", outputs));
        return 0;
    }

    private ObjectNode offset(final String text) {
        final ObjectNode offset = JSON.createObjectNode();
        try {
            if (text.startsWith("@")) {
                offset.put("format", "timestamp").put("value", Long.parseLong(text.substring(1)));
            } else if (text.startsWith("+")) {
                offset.put("format", "from_start").put("value", Long.parseLong(text.substring(1)));
            } else if (text.startsWith("-")) {
                offset.put("format", "from_end").put("value", Long.parseLong(text.substring(1)));
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--from-offset must be @TIMESTAMP_MS, +N or -N");
        }
        return offset;
    }
}
