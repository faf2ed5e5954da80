package io.ailurus.broker.cli;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.admin.ScramMechanism;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The SCRAM mechanisms a user's credentials can be for, by Kafka's names, and their iteration bounds. */
final class ScramMechanisms {

    /** Every mechanism, in the order the commands print them. */
    static final List<ScramMechanism> ALL = List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512);

    private ScramMechanisms() {
    }

    /** SCRAM-SHA-256 or SCRAM-SHA-512, ignoring case; '_' may stand for '-'. */
    static ScramMechanism parse(final String text) {
        final String wanted = text.strip().toUpperCase(Locale.ROOT).replace('_', '-');
        for (final ScramMechanism m : ALL) {
            if (m.mechanismName().equals(wanted)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected SCRAM-SHA-256 or SCRAM-SHA-512 but was '" + text + "'");
    }

    /** The fewest iterations the broker accepts (RFC 7677's 4096 for both mechanisms). */
    static int minIterations(final ScramMechanism mechanism) {
        return internal(mechanism).minIterations();
    }

    /** The most iterations the broker accepts. */
    static int maxIterations(final ScramMechanism mechanism) {
        return internal(mechanism).maxIterations();
    }

    private static org.apache.kafka.common.security.scram.internals.ScramMechanism internal(
            final ScramMechanism mechanism) {
        return org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(
                mechanism.mechanismName());
    }

    /** Lets picocli report an unknown mechanism as a usage error. */
    static final class Converter implements ITypeConverter<ScramMechanism> {
        @Override
        public ScramMechanism convert(final String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
