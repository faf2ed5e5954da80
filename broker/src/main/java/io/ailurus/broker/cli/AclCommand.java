package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus acl}: access control lists. Without a subcommand, picocli reports the missing one (exit 2). */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Create, list and delete ACLs: which principal may do what on which topic, group, "
                + "transactional id or the cluster.",
        subcommands = {AclCreateCommand.class, AclListCommand.class, AclDeleteCommand.class})
public final class AclCommand {
}
