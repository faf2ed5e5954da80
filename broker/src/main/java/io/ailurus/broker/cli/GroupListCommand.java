package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.common.GroupState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ailurus group list}: the consumer groups with their type and state, sorted by name. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the consumer groups: name, type (classic, consumer, simple) and state.")
final class GroupListCommand extends GroupClientCommand {

    @Option(names = "--state", paramLabel = "STATE", converter = GroupStates.Converter.class,
            description = "Only groups in this state: Empty, Stable, PreparingRebalance, CompletingRebalance, Dead, "
                    + "Assigning, Reconciling (repeatable; case does not matter).")
    List<GroupState> states = new ArrayList<>();

    @Override
    protected int execute() throws Exception {
        final ListGroupsOptions options = ListGroupsOptions.forConsumerGroups().timeoutMs(client.timeoutMsInt());
        if (!states.isEmpty()) {
            options.inGroupStates(Set.copyOf(states));
        }
        final Collection<GroupListing> groups = client.withAdmin(admin -> client.await(admin.listGroups(options).all()));
        out().print(GroupFormat.list(groups));
        out().flush();
        return 0;
    }
}
