package io.ailurus.kafka.security;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * A node's security settings: its Kafka listeners and how each authenticates, TLS material, SASL mechanisms, super
 * users and whether ACLs are enforced. Read from {@code ailurus.kafka} (listeners) and {@code ailurus.security};
 * a listener's TLS settings are {@code ailurus.security.ssl} overlaid with {@code ailurus.security.listener.<name>.ssl}
 * (Kafka's {@code listener.name.<name>.ssl.*}).
 *
 * @param sslConfigs Kafka ssl.* settings by listener name
 */
public record SecurityConfig(List<ListenerEndpoint> listeners, String interBrokerListener,
        Map<String, Map<String, Object>> sslConfigs, Duration tlsReloadInterval, List<String> saslMechanisms,
        Duration sessionLifetime, Duration failedAuthenticationDelay, Duration maxFailedAuthenticationDelay,
        Duration handshakeTimeout, Set<String> superUsers, boolean authorizationEnabled,
        boolean allowEveryoneIfNoAclFound, String bootstrapUser, String interBrokerMechanism,
        String interBrokerUser, String interBrokerPassword, AdminSecurity admin) {

    /**
     * The admin API's protection: HTTP Basic against the SCRAM users when {@code requireAuth} (Redpanda's
     * admin_api_require_auth), HTTPS when {@code tls} with {@code sslConfigs} (ssl block plus listener.admin.ssl).
     */
    public record AdminSecurity(boolean requireAuth, boolean tls, Map<String, Object> sslConfigs) {
    }

    public static SecurityConfig from(final Config root, final String defaultHost, final int defaultPort,
            final String defaultAdvertisedHost, final int defaultAdvertisedPort) {
        final Config kafka = root.getConfig("ailurus.kafka");
        final Config security = root.getConfig("ailurus.security");
        final List<ListenerEndpoint> listeners = ListenerEndpoint.parse(kafka.getString("listeners"),
                kafka.getString("advertised-listeners"), kafka.getString("listener-security-protocol-map"),
                defaultHost, defaultPort, defaultAdvertisedHost, defaultAdvertisedPort);
        final String interBroker = kafka.getString("inter-broker-listener").toUpperCase(Locale.ROOT);
        if (!interBroker.isEmpty() && listeners.stream().noneMatch(l -> l.name().equals(interBroker))) {
            throw new ConfigException("inter-broker-listener " + interBroker + " is not one of the listeners "
                    + listeners.stream().map(ListenerEndpoint::name).toList());
        }
        final Map<String, Object> ssl = kafkaSsl(security.getConfig("ssl"));
        final Map<String, Map<String, Object>> listenerSsl = new HashMap<>();
        for (final ListenerEndpoint l : listeners) {
            listenerSsl.put(l.name(), merged(ssl, security, "listener." + l.name().toLowerCase(Locale.ROOT) + ".ssl"));
        }
        final boolean authenticatesClients = listeners.stream().anyMatch(l -> l.usesSasl() || l.usesTls()
                && "required".equalsIgnoreCase(String.valueOf(listenerSsl.get(l.name()).get("ssl.client.auth"))));
        final String authorization = security.getString("authorization").toLowerCase(Locale.ROOT);
        final boolean authorize = switch (authorization) {
            case "auto" -> authenticatesClients;
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new ConfigException("ailurus.security.authorization is auto, on or off, not "
                    + authorization);
        };
        final String bootstrapUser = security.getString("bootstrap-user");
        if (!bootstrapUser.isEmpty() && bootstrapUser.indexOf(':') <= 0) {
            throw new ConfigException("bootstrap-user must be name:password");
        }
        String interBrokerUser = security.getString("inter-broker.username");
        String interBrokerPassword = security.getString("inter-broker.password");
        if (interBrokerUser.isEmpty() && !bootstrapUser.isEmpty()) {
            interBrokerUser = bootstrapUser.substring(0, bootstrapUser.indexOf(':'));
            interBrokerPassword = bootstrapUser.substring(bootstrapUser.indexOf(':') + 1);
        }
        return new SecurityConfig(listeners, interBroker.isEmpty() ? listeners.get(0).name() : interBroker, listenerSsl,
                security.getDuration("tls-reload-interval"), security.getStringList("sasl.enabled-mechanisms"),
                security.getDuration("sasl.session-lifetime"), security.getDuration("sasl.failed-authentication-delay"),
                security.getDuration("sasl.max-failed-authentication-delay"), security.getDuration("handshake-timeout"),
                Set.copyOf(security.getStringList("super-users")), authorize,
                security.getBoolean("allow-everyone-if-no-acl-found"), bootstrapUser,
                security.getString("inter-broker.sasl-mechanism"), interBrokerUser, interBrokerPassword,
                new AdminSecurity(security.getBoolean("admin.require-auth"), security.getBoolean("admin.tls"),
                        merged(ssl, security, "listener.admin.ssl")));
    }

    /** Kafka's ssl.* settings of a TLS listener: the common block with its own overrides. */
    public Map<String, Object> sslConfigs(final String listenerName) {
        return sslConfigs.get(listenerName);
    }

    private static Map<String, Object> merged(final Map<String, Object> common, final Config security,
            final String overridePath) {
        final Map<String, Object> merged = new HashMap<>(common);
        if (security.hasPath(overridePath)) {
            merged.putAll(kafkaSsl(security.getConfig(overridePath)));
        }
        return Map.copyOf(merged);
    }

    /** An HOCON block of Kafka ssl.* settings without the prefix ("keystore.location") as Kafka's flat names. */
    private static Map<String, Object> kafkaSsl(final Config block) {
        final Map<String, Object> ssl = new HashMap<>();
        for (final Map.Entry<String, ConfigValue> e : block.entrySet()) {
            final Object value = e.getValue().unwrapped();
            ssl.put("ssl." + e.getKey(), value instanceof List<?> list
                    ? list.stream().map(String::valueOf).collect(Collectors.joining(",")) : String.valueOf(value));
        }
        return ssl;
    }

    public ListenerEndpoint interBroker() {
        return listeners.stream().filter(l -> l.name().equals(interBrokerListener)).findFirst().orElseThrow();
    }

    /** How this node reaches brokers' inter-broker listeners as a client. */
    public InterBrokerClient interBrokerClient() {
        final ListenerEndpoint listener = interBroker();
        if (listener.usesSasl() && interBrokerUser.isEmpty()) {
            throw new ConfigException("the inter-broker listener " + listener.name() + " uses SASL: set "
                    + "ailurus.security.inter-broker.username and password (a super user), or a bootstrap-user");
        }
        return new InterBrokerClient(listener.protocol(), sslConfigs(listener.name()), interBrokerMechanism,
                interBrokerUser, interBrokerPassword);
    }
}
