package io.ailurus.broker.cli;

import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The filter of {@code acl list} and {@code acl delete} (a picocli mixin): every option narrows it, none matches
 * every ACL. A resource matches ACLs with exactly that name, literal or prefixed, unless {@code --pattern} says
 * otherwise ({@code match}: every ACL that applies to the resource, wildcard and prefixes included).
 */
final class AclFilterOptions {

    @Option(names = "--principal", paramLabel = "TYPE:NAME", converter = AclPrincipals.Converter.class,
            description = "Only ACLs of this principal, such as User:alice.")
    String principal;

    @Option(names = "--host", paramLabel = "HOST", converter = AclHosts.Converter.class,
            description = "Only ACLs for this host (* or an IP address).")
    String host;

    @Option(names = "--operation", paramLabel = "OPERATION", converter = AclOperations.Converter.class,
            description = "Only ACLs for this operation (READ, WRITE, ...).")
    AclOperation operation;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    AclPermission permission;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    AclResource resource;

    @Option(names = "--pattern", paramLabel = "any|match|literal|prefixed", converter = PatternConverter.class,
            description = "How the resource name matches: literal or prefixed ACLs of that name, any of both "
                    + "(default), or match: every ACL that applies to the resource.")
    PatternType pattern;

    @Option(names = "--prefixed", description = "The same as --pattern prefixed.")
    boolean prefixed;

    /** Null when the options make a filter, else the message of the usage error. */
    String problem() {
        if (prefixed && pattern != null && pattern != PatternType.PREFIXED) {
            return "--prefixed contradicts --pattern " + pattern.name().toLowerCase(Locale.ROOT);
        }
        if ((prefixed || pattern != null) && (resource == null || resource.cluster)) {
            return "--pattern and --prefixed need --topic, --group or --transactional-id";
        }
        return null;
    }

    /** Whether any option narrows the filter. */
    boolean narrows() {
        return principal != null || host != null || operation != null || permission != null || resource != null;
    }

    AclBindingFilter filter() {
        final PatternType patternType = prefixed ? PatternType.PREFIXED : pattern != null ? pattern : PatternType.ANY;
        final ResourcePatternFilter patterns = resource == null ? ResourcePatternFilter.ANY
                : new ResourcePatternFilter(resource.type(), resource.name(),
                        resource.type() == ResourceType.CLUSTER ? PatternType.LITERAL : patternType);
        return new AclBindingFilter(patterns, new AccessControlEntryFilter(principal, host,
                operation == null ? AclOperation.ANY : operation,
                permission == null ? AclPermissionType.ANY : permission.type()));
    }

    /** any, match, literal or prefixed, in any case. */
    static final class PatternConverter implements ITypeConverter<PatternType> {
        @Override
        public PatternType convert(final String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "any" -> PatternType.ANY;
                case "match" -> PatternType.MATCH;
                case "literal" -> PatternType.LITERAL;
                case "prefixed" -> PatternType.PREFIXED;
                default -> throw new TypeConversionException("expected any, match, literal or prefixed but was '"
                        + text + "'");
            };
        }
    }
}
