package io.ailurus.broker.cli;

import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ailurus topic list}: topic names, sorted, one a line. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics, one a line.")
final class TopicListCommand extends ClientCommand {

    @Option(names = "--internal", description = "Include internal topics (such as __consumer_offsets).")
    boolean internal;

    @Override
    protected int execute() throws Exception {
        final ListTopicsOptions options = new ListTopicsOptions().listInternal(internal)
                .timeoutMs(client.timeoutMsInt());
        final Set<String> names = client.withAdmin(admin -> client.await(admin.listTopics(options).names()));
        for (final String name : new TreeSet<>(names)) {
            out().println(name);
        }
        return 0;
    }
}
