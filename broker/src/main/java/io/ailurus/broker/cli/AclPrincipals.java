package io.ailurus.broker.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A principal as ACLs name it, {@code TYPE:NAME}: {@code User:alice} for a SASL user, {@code User:CN=host,O=org} for
 * a TLS client certificate, {@code User:*} for everyone. The type is compared exactly by the broker, so
 * {@code user:alice} is written as {@code User:alice}.
 */
final class AclPrincipals {

    private AclPrincipals() {
    }

    static String parse(final String text) {
        final int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected a principal like User:alice but was '" + text + "'");
        }
        final String type = text.substring(0, colon);
        return (type.toLowerCase(Locale.ROOT).equals("user") ? "User" : type) + text.substring(colon);
    }

    /** Lets picocli report a malformed principal as a usage error. */
    static final class Converter implements ITypeConverter<String> {
        @Override
        public String convert(final String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
