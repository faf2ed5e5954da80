package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.ailurus.kafka.security.ListenerEndpoint;
import io.ailurus.kafka.security.SecurityConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** The security options of {@code ailurus start}, as the settings the node reads (without starting one). */
class StartCommandSecurityTest {

    private static Config config(final String... args) {
        final String[] all = new String[args.length + 1];
        all[0] = "start";
        System.arraycopy(args, 0, all, 1, args.length);
        final ParseResult result = new CommandLine(new Ailurus()).parseArgs(all);
        return ((StartCommand) result.subcommand().commandSpec().userObject()).config();
    }

    private static SecurityConfig security(final Config config) {
        return SecurityConfig.from(config, "127.0.0.1", 9092, "127.0.0.1", 0);
    }

    @Test
    void listenersTlsUsersAndAuthorizationBecomeTheNodesSettings() {
        final Config config = config("--listeners", "SASL_SSL://0.0.0.0:9093,INTERNAL://127.0.0.1:9094",
                "--advertised-listeners", "SASL_SSL://broker.example.com:9093",
                "--listener-security-protocol-map", "INTERNAL:SASL_PLAINTEXT",
                "--inter-broker-listener", "INTERNAL",
                "--super-users", "User:admin,User:CN=ops,OU=test,O=acme;User:robot",
                "--bootstrap-user", "admin:admin-secret",
                "--tls-keystore", "/etc/ailurus/broker.p12", "--tls-keystore-password", "ks-pw",
                "--tls-truststore", "/etc/ailurus/ca.pem",
                "--tls-client-auth", "Requested",
                "--authorization", "ON");
        final SecurityConfig security = security(config);
        assertEquals(List.of(
                new ListenerEndpoint("SASL_SSL", SecurityProtocol.SASL_SSL, "0.0.0.0", 9093, "broker.example.com",
                        9093),
                new ListenerEndpoint("INTERNAL", SecurityProtocol.SASL_PLAINTEXT, "127.0.0.1", 9094, "127.0.0.1",
                        9094)), security.listeners());
        assertEquals("INTERNAL", security.interBrokerListener());
        assertEquals(Set.of("User:admin", "User:CN=ops,OU=test,O=acme", "User:robot"), security.superUsers());
        assertEquals("admin:admin-secret", security.bootstrapUser());
        assertTrue(security.authorizationEnabled());
        final Map<String, Object> ssl = security.sslConfigs("SASL_SSL");
        assertEquals("/etc/ailurus/broker.p12", ssl.get("ssl.keystore.location"));
        assertEquals("PKCS12", ssl.get("ssl.keystore.type"));
        assertEquals("ks-pw", ssl.get("ssl.keystore.password"));
        assertEquals("/etc/ailurus/ca.pem", ssl.get("ssl.truststore.location"));
        assertEquals("PEM", ssl.get("ssl.truststore.type"));
        assertFalse(ssl.containsKey("ssl.truststore.password"));
        assertEquals("requested", ssl.get("ssl.client.auth"));
    }

    @Test
    void aPemKeystoreHasOnlyAKeyPasswordAndTheTypeCanBeGiven() {
        final Map<String, Object> pem = security(config("--listeners", "SSL://127.0.0.1:0", "--tls-keystore",
                "broker.pem", "--tls-keystore-password", "key-pw")).sslConfigs("SSL");
        assertEquals("PEM", pem.get("ssl.keystore.type"));
        assertEquals("key-pw", pem.get("ssl.key.password"));
        assertFalse(pem.containsKey("ssl.keystore.password"));
        assertEquals(Path.of("broker.pem").toAbsolutePath().toString(), pem.get("ssl.keystore.location"));
        assertEquals("JKS", security(config("--listeners", "SSL://127.0.0.1:0", "--tls-keystore", "broker.store",
                "--tls-keystore-password", "pw", "--tls-keystore-type", "jks")).sslConfigs("SSL")
                .get("ssl.keystore.type"));
    }

    @Test
    void authorizationFollowsTheListenersUnlessSet() {
        assertFalse(security(config()).authorizationEnabled(), "one PLAINTEXT listener");
        assertTrue(security(config("--listeners", "SASL_PLAINTEXT://127.0.0.1:0")).authorizationEnabled());
        assertTrue(security(config("--listeners", "SSL://127.0.0.1:0", "--tls-keystore", "k.pem",
                "--tls-client-auth", "required")).authorizationEnabled());
        assertFalse(security(config("--listeners", "SASL_PLAINTEXT://127.0.0.1:0", "--authorization", "off"))
                .authorizationEnabled());
    }

    @Test
    void superUsersSplitAtCommasBeforeAType() {
        assertEquals(List.of("User:a", "User:CN=x,O=y", "User:b"),
                StartCommand.principals("User:a, User:CN=x,O=y,User:b"));
        assertEquals(List.of("User:CN=x,O=y"), StartCommand.principals("User:CN=x,O=y"));
        assertEquals(List.of("User:a", "User:b"), StartCommand.principals("User:a;User:b;"));
    }

    @Test
    void mistakesAreUsageErrors() {
        assertEquals("--tls-client-auth must be none, requested, required, not 'always'", assertThrows(
                ParameterException.class, () -> config("--tls-client-auth", "always")).getMessage());
        assertEquals("--authorization must be auto, on, off, not 'yes'", assertThrows(ParameterException.class,
                () -> config("--authorization", "yes")).getMessage());
        assertEquals("--bootstrap-user must be NAME:PASSWORD", assertThrows(ParameterException.class,
                () -> config("--bootstrap-user", "admin")).getMessage());
        assertEquals("--tls-keystore needs --tls-keystore-password", assertThrows(ParameterException.class,
                () -> config("--tls-keystore", "broker.p12")).getMessage());
        assertEquals("--tls-keystore-type must be PKCS12, JKS or PEM, not 'p7'", assertThrows(ParameterException.class,
                () -> config("--tls-keystore", "broker.p12", "--tls-keystore-password", "x", "--tls-keystore-type",
                        "p7")).getMessage());
        assertEquals("a PEM --tls-truststore has no password: drop --tls-truststore-password", assertThrows(
                ParameterException.class, () -> config("--tls-truststore", "ca.pem", "--tls-truststore-password",
                        "x")).getMessage());
    }
}
