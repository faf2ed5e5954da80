package io.ailurus.broker.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.TransactionState;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a transaction state as Kafka names it (Ongoing, CompleteCommit...), ignoring case, '-' and '_'. */
final class TxnStates {

    /** The states a filter may name: UNKNOWN is only what a client makes of a name it does not know. */
    static final List<TransactionState> NAMED = Arrays.stream(TransactionState.values())
            .filter(s -> s != TransactionState.UNKNOWN).toList();

    private TxnStates() {
    }

    static TransactionState parse(final String text) {
        final String wanted = normalize(text);
        for (final TransactionState s : NAMED) {
            if (normalize(s.toString()).equals(wanted)) {
                return s;
            }
        }
        throw new IllegalArgumentException("expected one of " + NAMED.stream().map(TransactionState::toString)
                .collect(Collectors.joining(", ")) + " but was '" + text + "'");
    }

    private static String normalize(final String s) {
        return s.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    }

    /** Lets picocli report an unknown state as a usage error. */
    static final class Converter implements ITypeConverter<TransactionState> {
        @Override
        public TransactionState convert(final String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
