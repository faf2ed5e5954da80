package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.CreateAclsOptions;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ailurus acl create --allow|--deny --principal P --operation OP[,OP...] RESOURCE}: one ACL per principal and
 * operation. Creating an ACL that exists changes nothing.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Allow or deny principals operations on a topic, group, transactional id or the cluster.")
final class AclCreateCommand extends ClientCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    AclPermission permission;

    @Option(names = "--principal", required = true, paramLabel = "TYPE:NAME", converter = AclPrincipals.Converter.class,
            description = "Who: User:NAME for a SASL user or a TLS certificate's mapped name, User:* for everyone "
                    + "(repeatable).")
    List<String> principals = new ArrayList<>();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "*", converter = AclHosts.Converter.class,
            description = "The client address the ACL applies to: an IP address, or * for any (default: *).")
    String host;

    @Option(names = "--operation", required = true, split = ",", paramLabel = "OP",
            converter = AclOperations.Converter.class,
            description = "READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, "
                    + "ALTER_CONFIGS, IDEMPOTENT_WRITE, ALL... (comma separated or repeated; case does not matter).")
    List<AclOperation> operations = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    AclResource resource;

    @Option(names = "--prefixed", description = "The name is a prefix: the ACL applies to every resource whose name "
            + "starts with it.")
    boolean prefixed;

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.CLUSTER, "ALTER");
    }

    @Override
    protected int execute() throws Exception {
        final ResourceType type = resource.type();
        require(!resource.name().isEmpty(), "the resource name must not be empty");
        require(!prefixed || type != ResourceType.CLUSTER, "--prefixed does not apply to --cluster");
        require(!prefixed || !resource.name().equals("*"), "--prefixed does not apply to the wildcard name *");
        final String inapplicable = AclOperations.inapplicable(operations, type);
        require(inapplicable == null, inapplicable);
        final ResourcePattern pattern = new ResourcePattern(type, resource.name(),
                prefixed ? PatternType.PREFIXED : PatternType.LITERAL);
        final List<AclBinding> acls = new ArrayList<>();
        for (final String principal : principals) {
            for (final AclOperation operation : operations.stream().distinct().toList()) {
                acls.add(new AclBinding(pattern, new AccessControlEntry(principal, host, operation,
                        permission.type())));
            }
        }
        client.withAdmin(admin -> client.await(admin.createAcls(acls,
                new CreateAclsOptions().timeoutMs(client.timeoutMsInt())).all()));
        out().print(AclFormat.table(acls));
        out().println("created " + AclFormat.count(acls.size()));
        out().flush();
        return 0;
    }
}
