package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ailurus topic alter-config NAME --set k=v --delete k}: one incremental change of the topic's configs. */
@Command(name = "alter-config", mixinStandardHelpOptions = true,
        description = "Set or remove configs of a topic (removed ones fall back to the broker's default).")
final class TopicAlterConfigCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The topic to change.")
    String name;

    @Option(names = "--set", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "Set a config (repeatable).")
    List<KeyValue> set = new ArrayList<>();

    @Option(names = "--delete", paramLabel = "KEY", description = "Remove a config from the topic (repeatable).")
    List<String> delete = new ArrayList<>();

    @Override
    protected String topic() {
        return name;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TOPIC, "ALTER_CONFIGS");
    }

    @Override
    protected int execute() throws Exception {
        require(!set.isEmpty() || !delete.isEmpty(), "give at least one --set KEY=VALUE or --delete KEY");
        final List<AlterConfigOp> ops = new ArrayList<>();
        KeyValue.toMap(set).forEach((key, value) ->
                ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)));
        delete.forEach(key -> ops.add(new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)));
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        client.withAdmin(admin -> client.await(admin.incrementalAlterConfigs(Map.of(resource, ops),
                new AlterConfigsOptions().timeoutMs(client.timeoutMsInt())).all()));
        out().printf("updated topic '%s':%s%s%n", name,
                set.isEmpty() ? "" : " set " + KeyValue.toMap(set).keySet(),
                delete.isEmpty() ? "" : " removed " + delete);
        return 0;
    }
}
