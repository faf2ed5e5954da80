package io.ailurus.broker.cli;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.DescribeUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ailurus user delete NAME}: removes the user's SCRAM credentials, all of them unless {@code --mechanism}
 * names one. ACLs that name the user stay (see {@code acl delete --principal User:NAME}).
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a user's SCRAM credentials (all mechanisms by default). Its ACLs stay.")
final class UserDeleteCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "The user to delete.")
    String name;

    @Option(names = "--mechanism", paramLabel = "MECHANISM", converter = ScramMechanisms.Converter.class,
            description = "Delete only the credential for SCRAM-SHA-256 or SCRAM-SHA-512.")
    ScramMechanism mechanism;

    @Option(names = "--if-exists", description = "Succeed if the user (or its credential) does not exist.")
    boolean ifExists;

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.CLUSTER, "ALTER and DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        return client.withAdmin(admin -> {
            final List<ScramMechanism> mechanisms;
            if (mechanism != null) {
                mechanisms = List.of(mechanism);
            } else {
                try {
                    mechanisms = client.await(admin.describeUserScramCredentials(List.of(name),
                            new DescribeUserScramCredentialsOptions().timeoutMs(client.timeoutMsInt()))
                            .description(name)).credentialInfos().stream().map(ScramCredentialInfo::mechanism)
                            .toList();
                } catch (Exception e) {
                    if (ErrorMessages.unwrap(e) instanceof ResourceNotFoundException) {
                        return missing("user '" + name + "' does not exist");
                    }
                    throw e;
                }
            }
            final List<UserScramCredentialAlteration> deletions = mechanisms.stream()
                    .<UserScramCredentialAlteration>map(m -> new UserScramCredentialDeletion(name, m)).toList();
            try {
                client.await(admin.alterUserScramCredentials(deletions,
                        new AlterUserScramCredentialsOptions().timeoutMs(client.timeoutMsInt())).all());
            } catch (Exception e) {
                if (ErrorMessages.unwrap(e) instanceof ResourceNotFoundException) {
                    return missing(mechanism == null ? "user '" + name + "' does not exist"
                            : "user '" + name + "' has no " + mechanism.mechanismName() + " credential");
                }
                throw e;
            }
            if (mechanism == null) {
                out().printf("deleted user '%s'%n", name);
            } else {
                out().printf("deleted the %s credential of user '%s'%n", mechanism.mechanismName(), name);
            }
            return 0;
        });
    }

    private int missing(final String message) {
        if (ifExists) {
            out().println(message);
            return 0;
        }
        return fail(message);
    }
}
