package io.ailurus.broker.cli;

import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.DescribeUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;

/** {@code ailurus user list}: one line per user with its SCRAM mechanisms and their iterations, sorted by name. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the users: name, and each SCRAM mechanism with its iterations.")
final class UserListCommand extends ClientCommand {

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.CLUSTER, "DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        final Map<String, UserScramCredentialsDescription> users = client.withAdmin(admin -> client.await(
                admin.describeUserScramCredentials(null,
                        new DescribeUserScramCredentialsOptions().timeoutMs(client.timeoutMsInt())).all()));
        out().print(render(users));
        out().flush();
        return 0;
    }

    /** USER and MECHANISMS ("SCRAM-SHA-256 (4096 iterations), SCRAM-SHA-512 (4096 iterations)"). */
    static String render(final Map<String, UserScramCredentialsDescription> users) {
        final GroupFormat.Table table = new GroupFormat.Table("USER", "MECHANISMS");
        users.values().stream().sorted(Comparator.comparing(UserScramCredentialsDescription::name))
                .forEach(u -> table.row(u.name(), u.credentialInfos().stream()
                        .sorted(Comparator.comparing(c -> c.mechanism().mechanismName()))
                        .map(UserListCommand::credential).collect(Collectors.joining(", "))));
        return table.render();
    }

    private static String credential(final ScramCredentialInfo info) {
        return info.mechanism().mechanismName() + " (" + info.iterations() + " iterations)";
    }
}
