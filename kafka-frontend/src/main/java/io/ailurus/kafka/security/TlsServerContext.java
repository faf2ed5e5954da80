package io.ailurus.kafka.security;

import java.net.InetSocketAddress;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.network.ConnectionMode;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;
import org.apache.kafka.common.security.ssl.SslFactory;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's TLS server side, configured with Apache Kafka's own {@code ssl.*} settings (keystores as PKCS12, JKS or PEM
 * files or inline PEM, {@code ssl.client.auth}, {@code ssl.enabled.protocols}, {@code ssl.principal.mapping.rules})
 * and built by kafka-clients' {@link SslFactory}, so a Kafka operator's broker settings mean the same here.
 * {@link #reloadIfChanged} picks up keystore and truststore files replaced on disk, without a restart; connections
 * already open keep the session they negotiated.
 */
public final class TlsServerContext {

    private static final Logger LOG = LoggerFactory.getLogger(TlsServerContext.class);

    private static final ConfigDef SERVER_SSL = new ConfigDef().withClientSslSupport()
            .define(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, ConfigDef.Type.STRING,
                    BrokerSecurityConfigs.SSL_CLIENT_AUTH_DEFAULT, ConfigDef.Importance.MEDIUM,
                    BrokerSecurityConfigs.SSL_CLIENT_AUTH_DOC)
            .define(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG, ConfigDef.Type.STRING,
                    BrokerSecurityConfigs.DEFAULT_SSL_PRINCIPAL_MAPPING_RULES, ConfigDef.Importance.LOW,
                    BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_DOC)
            .define(BrokerSecurityConfigs.SSL_ALLOW_DN_CHANGES_CONFIG, ConfigDef.Type.BOOLEAN,
                    BrokerSecurityConfigs.DEFAULT_SSL_ALLOW_DN_CHANGES_VALUE, ConfigDef.Importance.LOW,
                    BrokerSecurityConfigs.SSL_ALLOW_DN_CHANGES_DOC)
            .define(BrokerSecurityConfigs.SSL_ALLOW_SAN_CHANGES_CONFIG, ConfigDef.Type.BOOLEAN,
                    BrokerSecurityConfigs.DEFAULT_SSL_ALLOW_SAN_CHANGES_VALUE, ConfigDef.Importance.LOW,
                    BrokerSecurityConfigs.SSL_ALLOW_SAN_CHANGES_DOC);

    private final Map<String, Object> configs;
    private final SslFactory factory;
    private final DefaultKafkaPrincipalBuilder principals;
    /** The last reload failure warned about; only the reload timer's thread touches it. */
    private String lastFailure;

    private TlsServerContext(final Map<String, Object> configs, final SslFactory factory,
            final DefaultKafkaPrincipalBuilder principals) {
        this.configs = configs;
        this.factory = factory;
        this.principals = principals;
    }

    /**
     * @param sslConfigs Kafka's {@code ssl.*} broker settings (string values as in server.properties)
     * @throws ConfigException when they are invalid or a keystore cannot be loaded: the node must not start
     */
    public static TlsServerContext create(final Map<String, ?> sslConfigs) {
        final Map<String, Object> configs = SERVER_SSL.parse(sslConfigs);
        if (configs.get("ssl.keystore.location") == null && configs.get("ssl.keystore.key") == null) {
            throw new ConfigException("TLS needs a keystore: set ssl.keystore.location (PKCS12, JKS or PEM) or "
                    + "ssl.keystore.key with ssl.keystore.certificate.chain");
        }
        final SslFactory factory = new SslFactory(ConnectionMode.SERVER, null, false);
        try {
            factory.configure(configs);
        } catch (KafkaException e) {
            throw new ConfigException("TLS settings are unusable: " + rootMessage(e));
        }
        final SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(
                (String) configs.get(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG));
        return new TlsServerContext(configs, factory, new DefaultKafkaPrincipalBuilder(null, mapper));
    }

    private static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? e.getMessage() : e.getMessage() + " (" + t.getMessage() + ")";
    }

    public SSLEngine engine(final InetSocketAddress peer) {
        return factory.createSslEngine(peer.getHostString(), peer.getPort());
    }

    public DefaultKafkaPrincipalBuilder principals() {
        return principals;
    }

    /**
     * Rebuilds the engines if a keystore or truststore file changed; a broken replacement keeps the old one. It is
     * tried again at every check until it is fixed, but warned about once per distinct failure, not at every check.
     */
    public void reloadIfChanged() {
        final Object before = factory.sslEngineFactory();
        try {
            factory.reconfigure(configs);
        } catch (KafkaException e) {
            final String reason = rootMessage(e);
            if (!reason.equals(lastFailure)) {
                LOG.warn("TLS keystore or truststore changed but cannot be used, keeping the current one: {}", reason);
                lastFailure = reason;
            } else {
                LOG.debug("TLS keystore or truststore still unusable: {}", reason);
            }
            return;
        }
        lastFailure = null;
        if (factory.sslEngineFactory() != before) {
            LOG.info("TLS keystore or truststore reloaded: new connections get the replacement");
        }
    }
}
