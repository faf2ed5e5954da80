package io.ailurus.broker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every command that talks to a broker shares (a picocli mixin), and the kafka-clients configuration
 * derived from them: where the broker is, how the client authenticates, how long any one call may take, and extra
 * client properties. Each setting comes from, lowest first: the CLI's defaults, the {@code --command-config} file,
 * the security shortcuts ({@code --user}, {@code --tls}...), {@code -X}.
 */
final class ClientOptions {

    /** The SASL mechanisms the shortcuts know how to log in with. */
    static final List<String> SASL_MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    /** With {@code --user} and no mechanism given anywhere: the strongest the broker offers by default. */
    static final String DEFAULT_SASL_MECHANISM = "SCRAM-SHA-512";

    /** Added to a future's own timeout, so that the client reports its timeout before we stop waiting. */
    private static final long GRACE_MS = 2_000;

    private static final String BOOTSTRAP_ENV = "AILURUS_BOOTSTRAP";

    /** The command this mixin is part of: tells an explicit {@code -b} from its default. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:" + BOOTSTRAP_ENV + ":-127.0.0.1:9092}",
            description = "Broker(s) to connect to (default: ${DEFAULT-VALUE}; env AILURUS_BOOTSTRAP; without either, "
                    + "the command config's bootstrap.servers wins over the default).")
    String bootstrap;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "15000",
            description = "Upper bound of each call to the broker, in milliseconds (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--command-config", paramLabel = "FILE", defaultValue = "${env:AILURUS_COMMAND_CONFIG}",
            description = "A kafka-clients properties file, as Kafka's tools take (security.protocol, sasl.mechanism, "
                    + "sasl.jaas.config, ssl.truststore.location...; env AILURUS_COMMAND_CONFIG). The options below "
                    + "and -X win over it.")
    Path commandConfig;

    @Option(names = "--user", paramLabel = "NAME", defaultValue = "${env:AILURUS_USER}",
            description = "Log in with SASL as NAME (env AILURUS_USER); needs --password.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:AILURUS_PASSWORD}",
            description = "The password of --user (env AILURUS_PASSWORD keeps it out of the process list).")
    String password;

    @Option(names = "--sasl-mechanism", paramLabel = "MECHANISM", converter = SaslMechanismConverter.class,
            description = "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default with --user: the command config's, else "
                    + DEFAULT_SASL_MECHANISM + ").")
    String saslMechanism;

    @Option(names = "--tls", description = "Connect with TLS (implied by the other --tls-* options).")
    boolean tls;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
            description = "The CA certificate(s) to trust: PKCS12, JKS (.jks), or PEM (.pem, .crt) (default: the "
                    + "JVM's).")
    Path tlsTruststore;

    @Option(names = "--tls-truststore-password", paramLabel = "PASSWORD",
            description = "The password of a PKCS12 or JKS --tls-truststore.")
    String tlsTruststorePassword;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "A client certificate with its key, for listeners that require one: PKCS12, JKS (.jks), or "
                    + "PEM (.pem: the key, then the chain).")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
            description = "The password of --tls-keystore (of its key, for PEM).")
    String tlsKeystorePassword;

    @Option(names = "--tls-no-hostname-check",
            description = "Accept a broker certificate that does not name the address connected to.")
    boolean tlsNoHostnameCheck;

    @Option(names = {"-X", "--client-property"}, paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "Any kafka-clients property, such as -X linger.ms=20 (repeatable; wins over everything "
                    + "else).")
    List<KeyValue> clientProperties = new ArrayList<>();

    /** The --command-config file's properties once read; null before. */
    private Map<String, String> fileProperties;

    Duration timeout() {
        return Duration.ofMillis(timeoutMs);
    }

    /** The timeout as the admin options take it. */
    int timeoutMsInt() {
        return (int) Math.min(timeoutMs, Integer.MAX_VALUE);
    }

    /**
     * Reads the --command-config file and checks the security options, before anything connects.
     *
     * @throws ParameterException a usage error in the options (exit code 2)
     * @throws IOException        a file that cannot be read, with a message that says which and why
     */
    void load(final CommandLine commandLine) throws IOException {
        fileProperties = commandConfig == null ? Map.of() : read(commandConfig);
        check(commandLine);
        requireReadable(tlsTruststore, "--tls-truststore");
        requireReadable(tlsKeystore, "--tls-keystore");
    }

    Properties adminProperties() {
        final Properties props = common();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutString());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutString());
        return withUserProperties(props);
    }

    Properties producerProperties(final String acks, final String compression) {
        final Properties props = common();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutString());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutString());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Must cover linger.ms + request.timeout.ms, or the producer refuses the configuration.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs + 1_000));
        return withUserProperties(props);
    }

    /** No group: the consumer is assigned partitions and seeks; nothing is committed, no topic is auto-created. */
    Properties consumerProperties(final String autoOffsetReset) {
        final Properties props = common();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutString());
        return withUserProperties(props);
    }

    /** The clients' security.protocol, as kafka-clients will read it. */
    String protocol() {
        return protocol(withUserProperties(common())).name;
    }

    /** The brokers the clients are given: -X bootstrap.servers, -b (or its env), the command config's, the default. */
    String bootstrap() {
        return withUserProperties(common()).getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /**
     * Who the clients log in as, for error messages: {@code User:NAME} when they use SASL with a username in their
     * JAAS configuration, otherwise null (a TLS client certificate's principal is the broker's to derive).
     */
    String principal() {
        final Properties props = withUserProperties(common());
        if (!protocol(props).name.startsWith("SASL_")) {
            return null;
        }
        final String jaas = props.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas == null) {
            return null;
        }
        try {
            final Object name = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)))
                    .configurationEntries().get(0).getOptions().get("username");
            return name == null ? null : "User:" + name;
        } catch (RuntimeException malformed) {
            return null;   // kafka-clients reports it when it connects
        }
    }

    Admin admin() {
        return Admin.create(adminProperties());
    }

    /** Runs {@code call} with an admin client that is closed afterwards, within the timeout. */
    <T> T withAdmin(final AdminCall<T> call) throws Exception {
        final Admin admin = admin();
        try {
            return call.apply(admin);
        } finally {
            admin.close(timeout());
        }
    }

    /** Waits for an admin result, never longer than the timeout (plus a grace period). */
    <T> T await(final KafkaFuture<T> future) throws Exception {
        return future.get(timeoutMs + GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** A call made with an admin client. */
    @FunctionalInterface
    interface AdminCall<T> {
        T apply(Admin admin) throws Exception;
    }

    private Properties common() {
        final Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "ailurus-cli");
        return props;
    }

    /** Over the CLI's defaults in {@code props}: the command config, then the shortcuts, then -X. */
    private Properties withUserProperties(final Properties props) {
        final Map<String, String> file = fileProperties();
        props.putAll(file);
        if (bootstrapGiven() || !file.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        }
        props.putAll(shortcuts(props));
        props.putAll(KeyValue.toMap(clientProperties));
        return props;
    }

    /**
     * The settings the security shortcuts stand for, given what the defaults and the command config set already:
     * {@code --user} on a command config that says SSL makes SASL_SSL, {@code --tls} on one that says SASL_PLAINTEXT
     * makes SASL_SSL too.
     */
    private Map<String, String> shortcuts(final Properties below) {
        final Map<String, String> p = new LinkedHashMap<>();
        final boolean sasl = user != null || saslMechanism != null;
        final boolean tlsWanted = usesTls();
        if (!sasl && !tlsWanted) {
            return p;
        }
        final SecurityProtocol before = protocol(below);
        final boolean withSasl = sasl || before.name.startsWith("SASL_");
        final boolean withTls = tlsWanted || before == SecurityProtocol.SSL || before == SecurityProtocol.SASL_SSL;
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, (withSasl ? withTls ? SecurityProtocol.SASL_SSL
                : SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.SSL).name);
        if (sasl) {
            final String mechanism = mechanism(below);
            p.put(SaslConfigs.SASL_MECHANISM, mechanism);
            if (user != null) {
                p.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(mechanism, user, password == null ? "" : password));
            }
        }
        if (tlsTruststore != null) {
            final String type = TlsStoreType.of(tlsTruststore);
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tlsTruststore.toString());
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, type);
            if (tlsTruststorePassword != null) {
                p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tlsTruststorePassword);
            }
        }
        if (tlsKeystore != null) {
            final String type = TlsStoreType.of(tlsKeystore);
            p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tlsKeystore.toString());
            p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, type);
            if (tlsKeystorePassword != null) {
                // A PEM keystore has no store password, only its key's (kafka-clients refuses one).
                if (!type.equals(TlsStoreType.PEM)) {
                    p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tlsKeystorePassword);
                }
                p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, tlsKeystorePassword);
            }
        }
        if (tlsNoHostnameCheck) {
            p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
        }
        return p;
    }

    /**
     * --sasl-mechanism, else one that -X or the command config names and the shortcuts can log in with, else the
     * default.
     */
    private String mechanism(final Properties below) {
        final String extra = KeyValue.toMap(clientProperties).get(SaslConfigs.SASL_MECHANISM);
        if (extra != null && SASL_MECHANISMS.contains(extra)) {
            return extra;   // -X wins anyway: the JAAS login module must match it
        }
        if (saslMechanism != null) {
            return saslMechanism;
        }
        final String configured = below.getProperty(SaslConfigs.SASL_MECHANISM);
        return configured != null && SASL_MECHANISMS.contains(configured) ? configured : DEFAULT_SASL_MECHANISM;
    }

    /**
     * The JAAS configuration kafka-clients logs in with: the mechanism's login module and the credentials as quoted
     * strings, in which a quote or a backslash is escaped with a backslash.
     */
    static String jaasConfig(final String mechanism, final String user, final String password) {
        final String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quote(user) + "\" password=\"" + quote(password) + "\";";
    }

    private static String quote(final String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private boolean usesTls() {
        return tls || tlsTruststore != null || tlsTruststorePassword != null || tlsKeystore != null
                || tlsKeystorePassword != null || tlsNoHostnameCheck;
    }

    private static SecurityProtocol protocol(final Properties props) {
        final String name = props.getProperty(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
        try {
            return SecurityProtocol.forName(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return SecurityProtocol.PLAINTEXT;   // kafka-clients reports it
        }
    }

    private boolean bootstrapGiven() {
        return System.getenv(BOOTSTRAP_ENV) != null || mixee != null && mixee.commandLine() != null
                && mixee.commandLine().getParseResult() != null
                && mixee.commandLine().getParseResult().hasMatchedOption("--bootstrap");
    }

    private Map<String, String> fileProperties() {
        if (fileProperties == null) {
            try {
                fileProperties = commandConfig == null ? Map.of() : read(commandConfig);
            } catch (IOException e) {
                return Map.of();   // load() reports it, before any client is made
            }
        }
        return fileProperties;
    }

    /** Usage errors: options that contradict each other or lack their partner. */
    private void check(final CommandLine commandLine) {
        final Map<String, String> extra = KeyValue.toMap(clientProperties);
        if (user != null && user.isEmpty()) {
            throw new ParameterException(commandLine, "--user must not be empty");
        }
        if (user != null && password == null) {
            throw new ParameterException(commandLine, "--user needs --password (or env AILURUS_PASSWORD)");
        }
        if (password != null && user == null) {
            throw new ParameterException(commandLine, "--password needs --user (or env AILURUS_USER)");
        }
        if (saslMechanism != null && user == null && !fileProperties.containsKey(SaslConfigs.SASL_JAAS_CONFIG)
                && !extra.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
            throw new ParameterException(commandLine,
                    "--sasl-mechanism needs --user and --password (or sasl.jaas.config in --command-config)");
        }
        if (tlsTruststorePassword != null && tlsTruststore == null) {
            throw new ParameterException(commandLine, "--tls-truststore-password needs --tls-truststore");
        }
        if (tlsTruststorePassword != null && TlsStoreType.of(tlsTruststore).equals(TlsStoreType.PEM)) {
            throw new ParameterException(commandLine, "a PEM --tls-truststore has no password: drop "
                    + "--tls-truststore-password");
        }
        if (tlsKeystorePassword != null && tlsKeystore == null) {
            throw new ParameterException(commandLine, "--tls-keystore-password needs --tls-keystore");
        }
        if (tlsKeystore != null && tlsKeystorePassword == null
                && !TlsStoreType.of(tlsKeystore).equals(TlsStoreType.PEM)) {
            throw new ParameterException(commandLine, "--tls-keystore needs --tls-keystore-password");
        }
    }

    private static Map<String, String> read(final Path file) throws IOException {
        final Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read the command config " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read the command config " + file + ": permission denied");
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read the command config " + file + ": " + e.getMessage());
        }
        final Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
        return map;
    }

    private static void requireReadable(final Path file, final String option) throws IOException {
        if (file != null && !Files.isReadable(file)) {
            throw new IOException("cannot read " + option + " " + file + ": "
                    + (Files.exists(file) ? "permission denied" : "no such file"));
        }
    }

    private String timeoutString() {
        return Long.toString(timeoutMs);
    }

    /** Accepts PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, in any case. */
    static final class SaslMechanismConverter implements ITypeConverter<String> {
        @Override
        public String convert(final String value) {
            final String upper = value.toUpperCase(Locale.ROOT);
            if (!SASL_MECHANISMS.contains(upper)) {
                throw new TypeConversionException("expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 but was '"
                        + value + "'");
            }
            return upper;
        }
    }
}
