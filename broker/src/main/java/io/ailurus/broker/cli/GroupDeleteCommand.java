package io.ailurus.broker.cli;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.DeleteConsumerGroupsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ailurus group delete GROUP...}: deletes empty groups with their committed offsets. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete consumer groups and their committed offsets (only groups without active members).")
final class GroupDeleteCommand extends GroupClientCommand {

    @Parameters(paramLabel = "GROUP", arity = "1..*", description = "The group(s) to delete.")
    List<String> names;

    @Option(names = "--if-exists", description = "Succeed for a group that does not exist.")
    boolean ifExists;

    @Override
    protected String group() {
        return names.size() == 1 ? names.get(0) : null;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.GROUP, "DELETE");
    }

    @Override
    protected int execute() throws Exception {
        return client.withAdmin(admin -> {
            final Map<String, KafkaFuture<Void>> results = admin.deleteConsumerGroups(names,
                    new DeleteConsumerGroupsOptions().timeoutMs(client.timeoutMsInt())).deletedGroups();
            int exit = 0;
            for (final String name : names) {
                try {
                    client.await(results.get(name));
                    out().printf("deleted group '%s'%n", name);
                } catch (Exception e) {
                    if (ifExists && ErrorMessages.unwrap(e) instanceof GroupIdNotFoundException) {
                        out().printf("group '%s' does not exist%n", name);
                        continue;
                    }
                    final String message = GroupClientCommand.describe(e, name);
                    exit = message != null ? fail(message) : fail(e);
                }
            }
            out().flush();
            return exit;
        });
    }
}
