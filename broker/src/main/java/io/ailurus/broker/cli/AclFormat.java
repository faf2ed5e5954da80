package io.ailurus.broker.cli;

import java.util.Collection;
import java.util.Comparator;
import org.apache.kafka.common.acl.AclBinding;

/** The ACL table of the {@code acl} commands: one line per ACL, sorted by principal, then resource, then operation. */
final class AclFormat {

    private static final Comparator<AclBinding> ORDER = Comparator
            .comparing((AclBinding b) -> b.entry().principal())
            .thenComparing(b -> b.pattern().resourceType())
            .thenComparing(b -> b.pattern().name())
            .thenComparing(b -> b.pattern().patternType())
            .thenComparing(b -> b.entry().operation())
            .thenComparing(b -> b.entry().permissionType())
            .thenComparing(b -> b.entry().host());

    private AclFormat() {
    }

    static String table(final Collection<AclBinding> acls) {
        final GroupFormat.Table table = new GroupFormat.Table("PRINCIPAL", "PERMISSION", "OPERATION", "RESOURCE-TYPE",
                "NAME", "PATTERN", "HOST");
        acls.stream().sorted(ORDER).forEach(b -> table.row(b.entry().principal(), b.entry().permissionType().name(),
                b.entry().operation().name(), b.pattern().resourceType().name(), b.pattern().name(),
                b.pattern().patternType().name(), b.entry().host()));
        return table.render();
    }

    /** "1 ACL", "3 ACLs". */
    static String count(final int n) {
        return n + (n == 1 ? " ACL" : " ACLs");
    }
}
