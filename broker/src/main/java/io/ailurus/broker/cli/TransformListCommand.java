package io.ailurus.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/** {@code ailurus transform list}: each transform, its topics and each partition's status and lag. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List transforms with their status and lag.")
final class TransformListCommand extends AdminCommand {

    @Override
    protected int execute() throws Exception {
        final PrintWriter out = spec.commandLine().getOut();
        final JsonNode transforms = api.get("/v1/transform");
        if (transforms.isEmpty()) {
            out.println("no transforms");
            return 0;
        }
        out.printf("%-24s %-20s %-30s %-24s %s%n", "NAME", "INPUT", "OUTPUTS", "STATUS", "LAG");
        for (final JsonNode t : transforms) {
            final List<String> outputs = new ArrayList<>();
            t.get("output_topics").forEach(o -> outputs.add(o.asText()));
            final TreeMap<String, Integer> states = new TreeMap<>();
            long lag = 0;
            for (final JsonNode s : t.get("status")) {
                states.merge(s.get("status").asText(), 1, Integer::sum);
                lag += Math.max(0, s.get("lag").asLong());
            }
            final StringBuilder status = new StringBuilder();
            states.forEach((state, n) -> status.append(status.length() == 0 ? "" : ", ").append(state)
                    .append(' ').append(n));
            out.printf("%-24s %-20s %-30s %-24s %d%n", t.get("name").asText(), t.get("input_topic").asText(),
                    String.join(",", outputs), status, lag);
            for (final JsonNode s : t.get("status")) {
                if (s.has("error")) {
                    out.printf("  partition %d errored: %s%n", s.get("partition").asInt(), s.get("error").asText());
                }
            }
        }
        return 0;
    }
}
