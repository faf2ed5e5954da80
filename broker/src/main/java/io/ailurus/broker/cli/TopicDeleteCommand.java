package io.ailurus.broker.cli;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ailurus topic delete NAME}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and all its records.")
final class TopicDeleteCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The topic to delete.")
    String name;

    @Option(names = "--if-exists", description = "Succeed if the topic does not exist.")
    boolean ifExists;

    @Override
    protected String topic() {
        return name;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TOPIC, "DELETE");
    }

    @Override
    protected int execute() throws Exception {
        try {
            client.withAdmin(admin -> client.await(admin.deleteTopics(List.of(name),
                    new DeleteTopicsOptions().timeoutMs(client.timeoutMsInt())).all()));
        } catch (Exception e) {
            if (ifExists && ErrorMessages.unwrap(e) instanceof UnknownTopicOrPartitionException) {
                out().printf("topic '%s' does not exist%n", name);
                return 0;
            }
            throw e;
        }
        out().printf("deleted topic '%s'%n", name);
        return 0;
    }
}
