package io.ailurus.broker.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The host of an ACL: {@code *} or a client's IP address. Brokers compare it with the address a connection comes
 * from, so a host name would never match.
 */
final class AclHosts {

    private AclHosts() {
    }

    static String parse(final String text) {
        if (text.equals("*")) {
            return text;
        }
        // Only literals reach the resolver, which parses them without a lookup (one with a ':' is IPv6 or an error).
        if (isIpv4(text) || text.contains(":") && text.matches("[0-9A-Fa-f:.]+")) {
            try {
                return InetAddress.getByName(text).getHostAddress();
            } catch (UnknownHostException e) {
                // falls through
            }
        }
        throw new IllegalArgumentException("expected * or an IP address but was '" + text
                + "' (ACLs match the address a client connects from, not a host name)");
    }

    private static boolean isIpv4(final String text) {
        if (!text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return false;
        }
        for (final String octet : text.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Lets picocli report a malformed host as a usage error. */
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
