package io.ailurus.broker.cli;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.DeleteAclsOptions;
import org.apache.kafka.clients.admin.DescribeAclsOptions;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ailurus acl delete [FILTER] --yes}: deletes the ACLs that match. Without {@code --yes} it only lists them
 * and fails (exit 1), so that a filter wider than meant is seen before anything is lost.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete the ACLs that match the filter. Without --yes, list them and delete nothing (exit 1).")
final class AclDeleteCommand extends ClientCommand {

    @Mixin
    AclFilterOptions filter;

    @Option(names = "--yes", description = "Delete, rather than list what would be deleted.")
    boolean yes;

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.CLUSTER, yes ? "ALTER" : "DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        require(filter.problem() == null, filter.problem());
        return client.withAdmin(admin -> {
            if (!yes) {
                final Collection<AclBinding> matching = client.await(admin.describeAcls(filter.filter(),
                        new DescribeAclsOptions().timeoutMs(client.timeoutMsInt())).values());
                if (matching.isEmpty()) {
                    out().println("no ACLs match");
                    return 0;
                }
                out().print(AclFormat.table(matching));
                out().flush();
                return fail(AclFormat.count(matching.size()) + " match" + (matching.size() == 1 ? "es" : "")
                        + (filter.narrows() ? "" : " (every ACL)") + "; nothing deleted: add --yes to delete "
                        + (matching.size() == 1 ? "it" : "them"));
            }
            final Collection<AclBinding> deleted = client.await(admin.deleteAcls(List.of(filter.filter()),
                    new DeleteAclsOptions().timeoutMs(client.timeoutMsInt())).all());
            if (deleted.isEmpty()) {
                out().println("no ACLs match");
                return 0;
            }
            out().print(AclFormat.table(deleted));
            out().println("deleted " + AclFormat.count(deleted.size()));
            out().flush();
            return 0;
        });
    }
}
