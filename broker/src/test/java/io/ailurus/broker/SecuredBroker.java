package io.ailurus.broker;

import static org.awaitility.Awaitility.await;

import io.ailurus.broker.security.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One in-process node with a SASL_SSL and a SASL_PLAINTEXT listener (TLS from {@link TestCertificates}), the bootstrap
 * user {@code admin:admin-secret} as its only super user, and kafka-clients settings of its SCRAM users: the setup of
 * the authorization and client-tool security tests.
 */
final class SecuredBroker implements AutoCloseable {

    static final String SASL_SSL = "SASL_SSL";
    static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";
    static final String SCRAM_256 = "SCRAM-SHA-256";
    static final String SCRAM_512 = "SCRAM-SHA-512";
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-secret";

    final TestCertificates certs;
    final TestBroker broker;

    private SecuredBroker(final TestCertificates certs, final TestBroker broker) {
        this.certs = certs;
        this.broker = broker;
    }

    /** Starts the node under {@code dir} and waits (at most 60 s) until the bootstrap admin can log in. */
    static SecuredBroker start(final Path dir) throws Exception {
        final TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        final TestBroker broker = TestBroker.start(dir.resolve("data"), Map.ofEntries(
                Map.entry("ailurus.kafka.listeners", "SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0"),
                Map.entry("ailurus.security.ssl.keystore.location", certs.serverKeyStore().toString()),
                Map.entry("ailurus.security.ssl.keystore.type", "PKCS12"),
                Map.entry("ailurus.security.ssl.keystore.password", TestCertificates.PASSWORD),
                Map.entry("ailurus.security.ssl.key.password", TestCertificates.PASSWORD),
                Map.entry("ailurus.security.super-users", List.of("User:" + ADMIN)),
                Map.entry("ailurus.security.bootstrap-user", ADMIN + ":" + ADMIN_PASSWORD),
                Map.entry("ailurus.groups.initial-rebalance-delay", "0s"),
                Map.entry("ailurus.groups.offsets-topic-partitions", 2),
                Map.entry("ailurus.transactions.state-topic-partitions", 2)));
        final SecuredBroker secured = new SecuredBroker(certs, broker);
        try {
            await("the bootstrap user admin can log in").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> secured.canLogIn(SASL_SSL, SCRAM_512, ADMIN, ADMIN_PASSWORD));
        } catch (RuntimeException | Error e) {
            secured.close();
            throw e;
        }
        return secured;
    }

    String bootstrap(final String listener) {
        return broker.bootstrap(listener);
    }

    /** kafka-clients settings of a SCRAM client of {@code listener} (TLS trusting the test CA on SASL_SSL). */
    Properties props(final String listener, final String mechanism, final String user, final String password) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap(listener));
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "20000");
        p.put("max.block.ms", "20000");
        p.put("security.protocol", listener);
        if (listener.equals(SASL_SSL)) {
            p.putAll(certs.clientSslConfigs());
        }
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    Admin admin() {
        return Admin.create(props(SASL_SSL, SCRAM_512, ADMIN, ADMIN_PASSWORD));
    }

    /** Creates or replaces a user's credentials (one per mechanism) and waits until each logs in. */
    void upsertUser(final String user, final String password, final ScramMechanism... mechanisms) throws Exception {
        final List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> alterations = new ArrayList<>();
        for (final ScramMechanism mechanism : mechanisms) {
            alterations.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, 4096), password));
        }
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(alterations).all().get(20, TimeUnit.SECONDS);
        }
        for (final ScramMechanism mechanism : mechanisms) {
            await(user + " can log in with " + mechanism).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> canLogIn(SASL_SSL, mechanism.mechanismName(), user, password));
        }
    }

    static AclBinding acl(final String principal, final ResourceType type, final String name,
            final PatternType patternType, final AclOperation operation, final AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, patternType),
                new AccessControlEntry(principal, "*", operation, permission));
    }

    /** ALLOW bindings of {@code operations} on one resource pattern. */
    static List<AclBinding> allow(final String principal, final ResourceType type, final String name,
            final PatternType patternType, final AclOperation... operations) {
        final List<AclBinding> bindings = new ArrayList<>();
        for (final AclOperation op : operations) {
            bindings.add(acl(principal, type, name, patternType, op, AclPermissionType.ALLOW));
        }
        return bindings;
    }

    boolean canLogIn(final String listener, final String mechanism, final String user, final String password) {
        try (Admin admin = Admin.create(props(listener, mechanism, user, password))) {
            admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
