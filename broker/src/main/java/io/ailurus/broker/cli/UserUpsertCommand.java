package io.ailurus.broker.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code user create} and {@code user update}: both store the user's SCRAM credentials, replacing any it has for the
 * same mechanism (Kafka's upsert). The password is salted and hashed by the client; the broker keeps only the keys
 * derived from it.
 */
abstract class UserUpsertCommand extends ClientCommand {

    static final int DEFAULT_ITERATIONS = 4096;

    @Parameters(paramLabel = "NAME", description = "The user's name (its principal is User:NAME).")
    String name;

    @Option(names = "--new-password", paramLabel = "PASSWORD", defaultValue = "${env:AILURUS_NEW_PASSWORD}",
            description = "The user's password (env AILURUS_NEW_PASSWORD keeps it out of the process list). "
                    + "Not --password: that one is the password you log in with.")
    String newPassword;

    @Option(names = "--mechanism", paramLabel = "MECHANISM", converter = ScramMechanisms.Converter.class,
            description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: both, so the user can log in with either).")
    ScramMechanism mechanism;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "" + DEFAULT_ITERATIONS,
            description = "SCRAM iterations (default: ${DEFAULT-VALUE}; at most 16384).")
    int iterations;

    /** "created" or "updated". */
    protected abstract String verb();

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.CLUSTER, "ALTER");
    }

    @Override
    protected int execute() throws Exception {
        require(!name.isEmpty(), "the user name must not be empty");
        require(newPassword != null, "missing --new-password (or env AILURUS_NEW_PASSWORD)");
        require(!newPassword.isEmpty(), "--new-password must not be empty");
        final List<ScramMechanism> mechanisms = mechanism == null ? ScramMechanisms.ALL : List.of(mechanism);
        for (final ScramMechanism m : mechanisms) {
            require(iterations >= ScramMechanisms.minIterations(m) && iterations <= ScramMechanisms.maxIterations(m),
                    "--iterations must be between " + ScramMechanisms.minIterations(m) + " and "
                            + ScramMechanisms.maxIterations(m) + " for " + m.mechanismName());
        }
        final List<UserScramCredentialAlteration> upserts = mechanisms.stream()
                .<UserScramCredentialAlteration>map(m -> new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(m, iterations), newPassword))
                .toList();
        client.withAdmin(admin -> client.await(admin.alterUserScramCredentials(upserts,
                new AlterUserScramCredentialsOptions().timeoutMs(client.timeoutMsInt())).all()));
        out().printf("%s user '%s' (%s; %d iterations)%n", verb(), name,
                mechanisms.stream().map(ScramMechanism::mechanismName).collect(Collectors.joining(", ")), iterations);
        return 0;
    }
}
