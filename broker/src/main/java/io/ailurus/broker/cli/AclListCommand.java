package io.ailurus.broker.cli;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.DescribeAclsOptions;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ailurus acl list [FILTER]}: the ACLs that match, as a table. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List ACLs: principal, permission, operation, resource type, name, pattern and host.")
final class AclListCommand extends ClientCommand {

    @Mixin
    AclFilterOptions filter;

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.CLUSTER, "DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        require(filter.problem() == null, filter.problem());
        final Collection<AclBinding> acls = client.withAdmin(admin -> client.await(admin.describeAcls(
                filter.filter(), new DescribeAclsOptions().timeoutMs(client.timeoutMsInt())).values()));
        out().print(AclFormat.table(acls));
        out().flush();
        return 0;
    }
}
