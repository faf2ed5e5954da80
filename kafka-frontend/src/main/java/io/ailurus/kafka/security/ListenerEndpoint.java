package io.ailurus.kafka.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * One named Kafka listener of a node: where it binds, what it tells clients, and its security protocol. Parsed from
 * Kafka's own settings ({@code listeners}, {@code advertised.listeners}, {@code listener.security.protocol.map}), so
 * that {@code "PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093"} means what it means to Kafka.
 */
public record ListenerEndpoint(String name, SecurityProtocol protocol, String host, int port, String advertisedHost,
        int advertisedPort) {

    /**
     * @param listeners      Kafka's {@code listeners}; empty: one PLAINTEXT listener on {@code defaultHost:defaultPort}
     * @param advertised     Kafka's {@code advertised.listeners}; a listener missing here advertises its bind address,
     *                       or {@code defaultAdvertisedHost} when it binds to every interface
     * @param protocolMap    Kafka's {@code listener.security.protocol.map} ("INTERNAL:SASL_PLAINTEXT,..."); a
     *                       listener named after a protocol needs no entry
     */
    public static List<ListenerEndpoint> parse(final String listeners, final String advertised,
            final String protocolMap, final String defaultHost, final int defaultPort,
            final String defaultAdvertisedHost, final int defaultAdvertisedPort) {
        if (listeners.isBlank()) {
            return List.of(new ListenerEndpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, defaultHost, defaultPort,
                    defaultAdvertisedHost, defaultAdvertisedPort));
        }
        final Map<String, SecurityProtocol> protocols = protocols(protocolMap);
        final Map<String, String[]> advertisedAddresses = new HashMap<>();
        for (final String entry : split(advertised)) {
            final String[] parts = address(entry, "advertised.listeners");
            advertisedAddresses.put(parts[0], parts);
        }
        final Map<String, ListenerEndpoint> result = new LinkedHashMap<>();
        for (final String entry : split(listeners)) {
            final String[] parts = address(entry, "listeners");
            final String name = parts[0];
            SecurityProtocol protocol = protocols.get(name);
            if (protocol == null) {
                try {
                    protocol = SecurityProtocol.forName(name);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("listener " + name + " has no security protocol: name it after one ("
                            + SecurityProtocol.names() + ") or map it in listener.security.protocol.map");
                }
            }
            final String host = parts[1].isEmpty() ? "0.0.0.0" : parts[1];
            final int port = Integer.parseInt(parts[2]);
            final String[] adv = advertisedAddresses.get(name);
            final String advertisedHost = adv != null ? adv[1]
                    : host.equals("0.0.0.0") || host.equals("::") ? defaultAdvertisedHost : host;
            final int advertisedPort = adv != null ? Integer.parseInt(adv[2]) : port;
            if (result.put(name, new ListenerEndpoint(name, protocol, host, port, advertisedHost, advertisedPort))
                    != null) {
                throw new ConfigException("listener " + name + " is named twice in listeners");
            }
        }
        for (final String name : advertisedAddresses.keySet()) {
            if (!result.containsKey(name)) {
                throw new ConfigException("advertised.listeners names " + name + ", which is not in listeners");
            }
        }
        return List.copyOf(result.values());
    }

    public boolean usesTls() {
        return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    }

    public boolean usesSasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }

    /** The same listener once bound, when its port was 0 (tests): it advertises the bound port. */
    public ListenerEndpoint bound(final int boundPort) {
        return port != 0 ? this : new ListenerEndpoint(name, protocol, host, boundPort, advertisedHost,
                advertisedPort == 0 ? boundPort : advertisedPort);
    }

    private static Map<String, SecurityProtocol> protocols(final String map) {
        final Map<String, SecurityProtocol> protocols = new HashMap<>();
        for (final String entry : split(map)) {
            final int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException("listener.security.protocol.map entry '" + entry + "' is not NAME:PROTOCOL");
            }
            try {
                protocols.put(entry.substring(0, colon).trim().toUpperCase(Locale.ROOT),
                        SecurityProtocol.forName(entry.substring(colon + 1).trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("listener.security.protocol.map entry '" + entry + "': unknown protocol; "
                        + "use one of " + SecurityProtocol.names());
            }
        }
        return protocols;
    }

    /** "NAME://host:port" (host may be empty or a bracketed IPv6 address) as {name, host, port}. */
    private static String[] address(final String entry, final String setting) {
        final int scheme = entry.indexOf("://");
        final int colon = entry.lastIndexOf(':');
        if (scheme <= 0 || colon <= scheme + 2) {
            throw new ConfigException(setting + " entry '" + entry + "' is not NAME://host:port");
        }
        String host = entry.substring(scheme + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        final String port = entry.substring(colon + 1);
        try {
            final int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(setting + " entry '" + entry + "' has no valid port");
        }
        return new String[] {entry.substring(0, scheme).trim().toUpperCase(Locale.ROOT), host, port};
    }

    private static List<String> split(final String value) {
        final List<String> parts = new ArrayList<>();
        for (final String part : value.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return parts;
    }
}
