package io.ailurus.broker.cli;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * ACL operations by Kafka's names (READ, DESCRIBE_CONFIGS...; case, '-' and '_' do not matter), and which of them
 * mean something on each type of resource, as Kafka documents them: an ACL for WRITE on a group is accepted by a
 * broker but never consulted.
 */
final class AclOperations {

    /** The operations an ACL may name: ANY is for filters, UNKNOWN for codes a client does not know. */
    static final List<AclOperation> NAMED = Arrays.stream(AclOperation.values())
            .filter(o -> o != AclOperation.ANY && o != AclOperation.UNKNOWN).toList();

    private static final Map<ResourceType, Set<AclOperation>> APPLICABLE = Map.of(
            ResourceType.TOPIC, EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE,
                    AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.ALTER_CONFIGS, AclOperation.ALL),
            ResourceType.GROUP, EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE,
                    AclOperation.ALL),
            ResourceType.CLUSTER, EnumSet.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION,
                    AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE,
                    AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.ALL),
            ResourceType.TRANSACTIONAL_ID, EnumSet.of(AclOperation.DESCRIBE, AclOperation.WRITE,
                    AclOperation.TWO_PHASE_COMMIT, AclOperation.ALL));

    private AclOperations() {
    }

    static AclOperation parse(final String text) {
        final String wanted = normalize(text);
        for (final AclOperation o : NAMED) {
            if (normalize(o.name()).equals(wanted)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + text + "': expected one of " + names(NAMED));
    }

    /** Null when every operation applies to {@code type}, else the message of the usage error. */
    static String inapplicable(final List<AclOperation> operations, final ResourceType type) {
        final Set<AclOperation> applicable = APPLICABLE.get(type);
        final List<AclOperation> wrong = operations.stream().filter(o -> !applicable.contains(o)).toList();
        if (wrong.isEmpty()) {
            return null;
        }
        return names(wrong) + (wrong.size() == 1 ? " does" : " do") + " not apply to " + describe(type)
                + ": use " + names(NAMED.stream().filter(applicable::contains).toList());
    }

    /** "a topic", "the cluster"... */
    static String describe(final ResourceType type) {
        return switch (type) {
            case TOPIC -> "a topic";
            case GROUP -> "a group";
            case CLUSTER -> "the cluster";
            case TRANSACTIONAL_ID -> "a transactional id";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String names(final List<AclOperation> operations) {
        return operations.stream().map(AclOperation::name).collect(Collectors.joining(", "));
    }

    private static String normalize(final String s) {
        return s.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    }

    /** Lets picocli report an unknown operation as a usage error. */
    static final class Converter implements ITypeConverter<AclOperation> {
        @Override
        public AclOperation convert(final String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
