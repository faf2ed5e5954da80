package io.ailurus.broker.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.GroupState;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a group state as Kafka names it (Stable, Empty, PreparingRebalance...), ignoring case, '-' and '_'. */
final class GroupStates {

    private GroupStates() {
    }

    static GroupState parse(final String text) {
        final String wanted = normalize(text);
        for (final GroupState s : GroupState.values()) {
            if (s != GroupState.UNKNOWN && normalize(s.toString()).equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("expected one of " + Arrays.stream(GroupState.values())
                .filter(s -> s != GroupState.UNKNOWN).map(GroupState::toString).collect(Collectors.joining(", "))
                + " but was '" + text + "'");
    }

    private static String normalize(final String s) {
        return s.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    }

    /** Lets picocli report an unknown state as a usage error. */
    static final class Converter implements ITypeConverter<GroupState> {
        @Override
        public GroupState convert(final String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
