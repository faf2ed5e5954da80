package io.ailurus.broker.cli;

import org.apache.kafka.common.acl.AclPermissionType;
import picocli.CommandLine.Option;

/** Whether an ACL allows or denies (exclusive options); a DENY wins over any ALLOW. */
final class AclPermission {

    @Option(names = "--allow", description = "Allow the operations.")
    boolean allow;

    @Option(names = "--deny", description = "Deny the operations (wins over any ACL that allows them).")
    boolean deny;

    AclPermissionType type() {
        return allow ? AclPermissionType.ALLOW : AclPermissionType.DENY;
    }
}
