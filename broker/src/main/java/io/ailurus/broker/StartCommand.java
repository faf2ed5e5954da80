package io.ailurus.broker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ailurus.broker.cli.TlsStoreType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ailurus start}: runs a node until SIGTERM/Ctrl-C, then shuts it down cleanly (every log flushed and closed).
 * With no options it is a single node with embedded defaults: Kafka on 127.0.0.1:9092, data in ./data.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a broker node (no config needed).")
final class StartCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);
    /** Lets the old incarnation's sockets close before the new one binds them. */
    private static final long RESTART_PAUSE_MS = 1000;

    @Option(names = "--config", description = "A HOCON config file (ailurus { ... }, pekko { ... }) over the defaults.")
    Path configFile;

    @Option(names = "--data-dir", description = "Where partition logs live (default ./data).")
    Path dataDir;

    @Option(names = "--node-id", description = "This node's id (default 1).")
    Integer nodeId;

    @Option(names = {"--port", "--kafka-port"}, description = "Kafka listener port (default 9092; 0 picks a free one).")
    Integer kafkaPort;

    @Option(names = "--host", description = "Kafka listener address (default 127.0.0.1).")
    String kafkaHost;

    @Option(names = "--advertised-host", description = "Host clients are told to connect to (default: --host).")
    String advertisedHost;

    @Option(names = "--cluster-port", description = "Pekko remoting port (default 25520; 0 picks a free one).")
    Integer clusterPort;

    @Option(names = "--admin-port", description = "Admin HTTP port (default 9644; 0 picks a free one).")
    Integer adminPort;

    @Option(names = "--aeron-port", description = "Aeron UDP port for replication traffic (default 26000).")
    Integer aeronPort;

    @Option(names = "--seeds", split = ",",
            description = "Pekko remoting host:port of seed nodes, comma separated (default: none, a cluster of one).")
    java.util.List<String> seeds;

    @Option(names = "--rack", description = "This node's rack, for replica placement.")
    String rack;

    @Option(names = "--controller-voters", split = ",",
            description = "Node ids of the controller's Raft group, the same on every node (default: this node alone).")
    java.util.List<Integer> controllerVoters;

    @Option(names = "--tiered-storage", description = "Turn Shadow Indexing on (ailurus.tiered-storage.enabled).")
    Boolean tieredStorage;

    @Option(names = "--tiered-storage-endpoint", description = "S3 endpoint URL (default http://127.0.0.1:9000).")
    String tieredStorageEndpoint;

    @Option(names = "--tiered-storage-bucket", description = "S3 bucket (default ailurus).")
    String tieredStorageBucket;

    @Option(names = "--tiered-storage-region", description = "S3 region (default us-east-1).")
    String tieredStorageRegion;

    @Option(names = "--tiered-storage-upload-interval",
            description = "Roll and upload an active segment once it is this old (default 10s; HOCON duration).")
    String tieredStorageUploadInterval;

    @Option(names = "--listeners", paramLabel = "NAME://HOST:PORT[,...]",
            description = "Kafka listeners, as Kafka's listeners setting: each named after its protocol (PLAINTEXT, "
                    + "SSL, SASL_PLAINTEXT, SASL_SSL) or mapped by --listener-security-protocol-map, such as "
                    + "SASL_SSL://0.0.0.0:9093. Replaces --host and --port.")
    String listeners;

    @Option(names = "--advertised-listeners", paramLabel = "NAME://HOST:PORT[,...]",
            description = "What clients are told to connect to, per listener (default: its bind address).")
    String advertisedListeners;

    @Option(names = "--listener-security-protocol-map", paramLabel = "NAME:PROTOCOL[,...]",
            description = "The protocol of each listener not named after one, such as INTERNAL:SASL_PLAINTEXT.")
    String listenerSecurityProtocolMap;

    @Option(names = "--inter-broker-listener", paramLabel = "NAME",
            description = "The listener other brokers and this node's own clients use (default: the first).")
    String interBrokerListener;

    @Option(names = "--super-users", paramLabel = "User:NAME[,...]",
            description = "Principals allowed everything, such as User:admin (comma or ';' separated; a "
                    + "certificate's User:CN=...,O=... stays whole).")
    String superUsers;

    @Option(names = "--bootstrap-user", paramLabel = "NAME:PASSWORD",
            description = "A SCRAM user created at start unless it exists, to log in as first (list it in "
                    + "--super-users; env AILURUS_BOOTSTRAP_USER keeps the password out of the process list).")
    String bootstrapUser;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "The node's certificate and key for SSL and SASL_SSL listeners: PKCS12, JKS, or PEM "
                    + "(the key, then the chain).")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
            description = "The password of --tls-keystore (of its key, for PEM).")
    String tlsKeystorePassword;

    @Option(names = "--tls-keystore-type", paramLabel = "PKCS12|JKS|PEM",
            description = "The type of --tls-keystore (default: from its name: .pem and .crt PEM, .jks JKS, "
                    + "else PKCS12).")
    String tlsKeystoreType;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
            description = "The CA certificate(s) to trust: client certificates', and other brokers' when the "
                    + "inter-broker listener uses TLS (PKCS12, JKS, or PEM by its name).")
    Path tlsTruststore;

    @Option(names = "--tls-truststore-password", paramLabel = "PASSWORD",
            description = "The password of a PKCS12 or JKS --tls-truststore.")
    String tlsTruststorePassword;

    @Option(names = "--tls-client-auth", paramLabel = "none|requested|required",
            description = "Whether TLS clients must present a certificate (default none); required also turns "
                    + "authorization on (with --authorization auto).")
    String tlsClientAuth;

    @Option(names = "--authorization", paramLabel = "auto|on|off",
            description = "Enforce ACLs: auto (default) does when a listener authenticates clients (SASL, or TLS "
                    + "with --tls-client-auth required).")
    String authorization;

    @Spec
    CommandSpec spec;

    /**
     * Runs the node until SIGTERM. A node the cluster has downed (the split-brain resolver's decision on the minority
     * side of a partition, or after a long stall) cannot rejoin with the same actor system: it is closed and started
     * again in this process, so it rejoins by itself instead of lingering without a cluster.
     */
    @Override
    public Integer call() throws Exception {
        config();   // usage errors first, before anything starts
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicReference<Node> running = new AtomicReference<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            final Node node = running.get();
            if (node != null) {
                node.close();
            }
            stopped.countDown();
        }, "ailurus-shutdown"));
        while (!stopping.get()) {
            final Node node;
            try {
                node = Node.start(config());
            } catch (Node.DownedWhileStarting e) {
                LOG.warn("This node was {}; starting it again to rejoin", e.getMessage());
                Thread.sleep(RESTART_PAUSE_MS);
                continue;
            }
            running.set(node);
            if (stopping.get()) {
                node.close();   // SIGTERM arrived while starting
                break;
            }
            node.terminated().toCompletableFuture().join();
            if (stopping.get()) {
                break;
            }
            LOG.warn("This node was removed from the cluster (downed); restarting it to rejoin");
            node.close();
            Thread.sleep(RESTART_PAUSE_MS);
        }
        stopped.await();
        return 0;
    }

    Config config() {
        final Map<String, Object> overrides = new HashMap<>();
        if (dataDir != null) {
            overrides.put("ailurus.data-dir", dataDir.toString());
        }
        if (nodeId != null) {
            overrides.put("ailurus.node-id", nodeId);
        }
        if (kafkaPort != null) {
            overrides.put("ailurus.kafka.port", kafkaPort);
        }
        if (kafkaHost != null) {
            overrides.put("ailurus.kafka.host", kafkaHost);
        }
        if (advertisedHost != null) {
            overrides.put("ailurus.kafka.advertised-host", advertisedHost);
        }
        if (clusterPort != null) {
            overrides.put("pekko.remote.artery.canonical.port", clusterPort);
        }
        if (adminPort != null) {
            overrides.put("ailurus.cluster.admin.port", adminPort);
        }
        if (aeronPort != null) {
            overrides.put("ailurus.cluster.aeron.port", aeronPort);
        }
        if (seeds != null) {
            overrides.put("ailurus.cluster.seeds", seeds);
        }
        if (tieredStorage != null) {
            overrides.put("ailurus.tiered-storage.enabled", tieredStorage);
        }
        if (tieredStorageEndpoint != null) {
            overrides.put("ailurus.tiered-storage.s3.endpoint", tieredStorageEndpoint);
        }
        if (tieredStorageBucket != null) {
            overrides.put("ailurus.tiered-storage.s3.bucket", tieredStorageBucket);
        }
        if (tieredStorageRegion != null) {
            overrides.put("ailurus.tiered-storage.s3.region", tieredStorageRegion);
        }
        if (tieredStorageUploadInterval != null) {
            overrides.put("ailurus.tiered-storage.upload-interval", tieredStorageUploadInterval);
        }
        if (rack != null) {
            overrides.put("ailurus.cluster.rack", rack);
        }
        if (controllerVoters != null) {
            overrides.put("ailurus.cluster.controller-voters", controllerVoters);
        }
        securityOverrides(overrides);
        Config base = ConfigFactory.load();
        if (configFile != null) {
            base = ConfigFactory.parseFile(configFile.toFile()).withFallback(base).resolve();
        }
        return ConfigFactory.parseMap(overrides).withFallback(base);
    }

    /** The listener and security options as their {@code ailurus.kafka} and {@code ailurus.security} settings. */
    private void securityOverrides(final Map<String, Object> overrides) {
        if (listeners != null) {
            overrides.put("ailurus.kafka.listeners", listeners);
        }
        if (advertisedListeners != null) {
            overrides.put("ailurus.kafka.advertised-listeners", advertisedListeners);
        }
        if (listenerSecurityProtocolMap != null) {
            overrides.put("ailurus.kafka.listener-security-protocol-map", listenerSecurityProtocolMap);
        }
        if (interBrokerListener != null) {
            overrides.put("ailurus.kafka.inter-broker-listener", interBrokerListener);
        }
        if (superUsers != null) {
            overrides.put("ailurus.security.super-users", principals(superUsers));
        }
        if (bootstrapUser != null) {
            if (bootstrapUser.indexOf(':') <= 0) {
                throw usage("--bootstrap-user must be NAME:PASSWORD");
            }
            overrides.put("ailurus.security.bootstrap-user", bootstrapUser);
        }
        if (tlsKeystorePassword != null && tlsKeystore == null) {
            throw usage("--tls-keystore-password needs --tls-keystore");
        }
        if (tlsKeystoreType != null && tlsKeystore == null) {
            throw usage("--tls-keystore-type needs --tls-keystore");
        }
        if (tlsKeystore != null) {
            final String type = tlsKeystoreType != null ? storeType(tlsKeystoreType) : TlsStoreType.of(tlsKeystore);
            overrides.put("ailurus.security.ssl.keystore.location", tlsKeystore.toAbsolutePath().toString());
            overrides.put("ailurus.security.ssl.keystore.type", type);
            if (tlsKeystorePassword != null) {
                // Kafka: a PEM keystore has only its key's password; a PKCS12 or JKS key has the store's by default.
                overrides.put(type.equals(TlsStoreType.PEM) ? "ailurus.security.ssl.key.password"
                        : "ailurus.security.ssl.keystore.password", tlsKeystorePassword);
            } else if (!type.equals(TlsStoreType.PEM)) {
                throw usage("--tls-keystore needs --tls-keystore-password");
            }
        }
        if (tlsTruststorePassword != null && tlsTruststore == null) {
            throw usage("--tls-truststore-password needs --tls-truststore");
        }
        if (tlsTruststore != null) {
            final String type = TlsStoreType.of(tlsTruststore);
            overrides.put("ailurus.security.ssl.truststore.location", tlsTruststore.toAbsolutePath().toString());
            overrides.put("ailurus.security.ssl.truststore.type", type);
            if (tlsTruststorePassword != null) {
                if (type.equals(TlsStoreType.PEM)) {
                    throw usage("a PEM --tls-truststore has no password: drop --tls-truststore-password");
                }
                overrides.put("ailurus.security.ssl.truststore.password", tlsTruststorePassword);
            }
        }
        if (tlsClientAuth != null) {
            overrides.put("ailurus.security.ssl.client.auth",
                    oneOf("--tls-client-auth", tlsClientAuth, "none", "requested", "required"));
        }
        if (authorization != null) {
            overrides.put("ailurus.security.authorization", oneOf("--authorization", authorization, "auto", "on",
                    "off"));
        }
    }

    /**
     * "User:admin,User:CN=ops,O=acme" as [User:admin, User:CN=ops,O=acme]: a comma starts a new principal only
     * before a "Type:"; ';' (Kafka's super.users separator) always does.
     */
    static List<String> principals(final String text) {
        final List<String> result = new ArrayList<>();
        for (final String part : text.split(";|,(?=\\s*[A-Za-z][A-Za-z0-9_-]*:)")) {
            if (!part.isBlank()) {
                result.add(part.strip());
            }
        }
        return result;
    }

    private String storeType(final String text) {
        final String upper = text.toUpperCase(Locale.ROOT);
        if (!List.of(TlsStoreType.PKCS12, TlsStoreType.JKS, TlsStoreType.PEM).contains(upper)) {
            throw usage("--tls-keystore-type must be PKCS12, JKS or PEM, not '" + text + "'");
        }
        return upper;
    }

    private String oneOf(final String option, final String value, final String... allowed) {
        final String lower = value.toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(lower)) {
            throw usage(option + " must be " + String.join(", ", allowed) + ", not '" + value + "'");
        }
        return lower;
    }

    private ParameterException usage(final String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
