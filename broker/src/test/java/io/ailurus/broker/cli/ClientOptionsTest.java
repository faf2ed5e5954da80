package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ailurus.broker.Ailurus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The kafka-clients properties the client options stand for: security.protocol from the SASL and TLS shortcuts, the
 * JAAS configuration, store types from file names, and the precedence defaults < command config < shortcuts < -X.
 */
class ClientOptionsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void noSecurityFromTheEnvironment() {
        for (final String name : List.of("AILURUS_BOOTSTRAP", "AILURUS_COMMAND_CONFIG", "AILURUS_USER",
                "AILURUS_PASSWORD")) {
            assumeTrue(System.getenv(name) == null, name + " is set");
        }
    }

    /** The options of {@code topic list ARGS}, with the command config read as a command does before connecting. */
    private static ClientOptions options(final String... args) throws IOException {
        final String[] all = new String[args.length + 2];
        all[0] = "topic";
        all[1] = "list";
        System.arraycopy(args, 0, all, 2, args.length);
        final CommandLine cli = new CommandLine(new Ailurus());
        ParseResult result = cli.parseArgs(all);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        final TopicListCommand command = (TopicListCommand) result.commandSpec().userObject();
        command.client.load(result.commandSpec().commandLine());
        return command.client;
    }

    private static Properties admin(final String... args) throws IOException {
        return options(args).adminProperties();
    }

    private static Map<String, ?> jaasOptions(final Properties props) {
        final List<AppConfigurationEntry> entries = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(props.getProperty("sasl.jaas.config")))).configurationEntries();
        assertEquals(1, entries.size());
        return entries.get(0).getOptions();
    }

    private static String loginModule(final Properties props) {
        return JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(props.getProperty("sasl.jaas.config")))).configurationEntries().get(0)
                .getLoginModuleName();
    }

    private Path file(final String name, final String... lines) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static String usageError(final String... args) {
        final String[] all = new String[args.length + 2];
        all[0] = "topic";
        all[1] = "list";
        System.arraycopy(args, 0, all, 2, args.length);
        final CliRun run = CliRun.of(all);
        assertEquals(2, run.exitCode(), run.err());
        return run.err().lines().findFirst().orElseThrow();
    }

    @Test
    void withoutSecurityOptionsNothingIsSet() throws IOException {
        final Properties props = admin();
        assertEquals("127.0.0.1:9092", props.getProperty("bootstrap.servers"));
        assertFalse(props.containsKey("security.protocol"));
        assertFalse(props.keySet().stream().anyMatch(k -> k.toString().startsWith("sasl.")
                || k.toString().startsWith("ssl.")), props.toString());
        assertEquals("PLAINTEXT", options().protocol());
        assertNull(options().principal());
    }

    @Test
    void userAndPasswordLogInWithScramSha512OverPlaintext() throws IOException {
        final Properties props = admin("--user", "alice", "--password", "secret");
        assertEquals("SASL_PLAINTEXT", props.getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.getProperty("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", loginModule(props));
        assertEquals(Map.of("username", "alice", "password", "secret"), jaasOptions(props));
        assertEquals("User:alice", options("--user", "alice", "--password", "secret").principal());
    }

    @Test
    void plainUsesItsOwnLoginModule() throws IOException {
        final Properties props = admin("--user", "alice", "--password", "secret", "--sasl-mechanism", "plain");
        assertEquals("PLAIN", props.getProperty("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule", loginModule(props));
        assertEquals("SCRAM-SHA-256", admin("--user", "a", "--password", "b", "--sasl-mechanism", "scram-sha-256")
                .getProperty("sasl.mechanism"));
    }

    @Test
    void quotesAndBackslashesInCredentialsSurviveTheJaasSyntax() throws IOException {
        final String password = "p\"a\\ss; word=\\\"x\\1";
        final Properties props = admin("--user", "al\"ice", "--password", password);
        assertEquals(Map.of("username", "al\"ice", "password", password), jaasOptions(props));
    }

    @Test
    void tlsOptionsMakeSslOrSaslSsl() throws IOException {
        assertEquals("SSL", admin("--tls").getProperty("security.protocol"));
        assertEquals("SASL_SSL", admin("--tls", "--user", "a", "--password", "b").getProperty("security.protocol"));
        assertEquals("SASL_SSL", options("--tls", "--user", "a", "--password", "b").protocol());
        final Path crt = file("ca.crt", "not read here");
        final Properties pem = admin("--tls-truststore", crt.toString());
        assertEquals("SSL", pem.getProperty("security.protocol"), "a truststore implies --tls");
        assertEquals(crt.toString(), pem.getProperty("ssl.truststore.location"));
        assertEquals("PEM", pem.getProperty("ssl.truststore.type"));
        assertFalse(pem.containsKey("ssl.truststore.password"), "kafka-clients refuses a PEM truststore password");
        final Properties p12 = admin("--tls-truststore", file("trust.p12", "x").toString(),
                "--tls-truststore-password", "pw");
        assertEquals("PKCS12", p12.getProperty("ssl.truststore.type"));
        assertEquals("pw", p12.getProperty("ssl.truststore.password"));
        assertEquals("JKS", admin("--tls-truststore", file("trust.jks", "x").toString())
                .getProperty("ssl.truststore.type"));
        assertEquals("", admin("--tls-no-hostname-check").getProperty("ssl.endpoint.identification.algorithm"));
        assertFalse(admin("--tls").containsKey("ssl.endpoint.identification.algorithm"), "Kafka's default: https");
    }

    @Test
    void aClientCertificate() throws IOException {
        final Path p12 = file("client.p12", "not read here");
        final Properties store = admin("--tls-keystore", p12.toString(), "--tls-keystore-password", "pw");
        assertEquals("SSL", store.getProperty("security.protocol"));
        assertEquals(p12.toString(), store.getProperty("ssl.keystore.location"));
        assertEquals("PKCS12", store.getProperty("ssl.keystore.type"));
        assertEquals("pw", store.getProperty("ssl.keystore.password"));
        assertEquals("pw", store.getProperty("ssl.key.password"));
        final Path pem = file("client.pem", "not read here");
        final Properties pemStore = admin("--tls-keystore", pem.toString(), "--tls-keystore-password", "pw");
        assertEquals("PEM", pemStore.getProperty("ssl.keystore.type"));
        assertFalse(pemStore.containsKey("ssl.keystore.password"), "a PEM keystore has only a key password");
        assertEquals("pw", pemStore.getProperty("ssl.key.password"));
        assertEquals("PEM", admin("--tls-keystore", pem.toString()).getProperty("ssl.keystore.type"),
                "an unencrypted PEM key needs no password");
    }

    @Test
    void theCommandConfigIsReadAsKafkasToolsReadIt() throws IOException {
        final Path config = file("client.properties",
                "# a comment",
                "bootstrap.servers=broker:9093",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-256",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\",
                "    username=\"bob\" password=\"bob-secret\";",
                "ssl.truststore.location=/etc/ca.pem",
                "ssl.truststore.type=PEM",
                "client.id=from-file");
        final Properties props = admin("--command-config", config.toString());
        assertEquals("broker:9093", props.getProperty("bootstrap.servers"), "over the built-in default");
        assertEquals("from-file", props.getProperty("client.id"), "over the built-in default");
        assertEquals("SASL_SSL", props.getProperty("security.protocol"));
        assertEquals(Map.of("username", "bob", "password", "bob-secret"), jaasOptions(props));
        assertEquals("/etc/ca.pem", props.getProperty("ssl.truststore.location"));
        assertEquals("15000", props.getProperty("request.timeout.ms"));
        final ClientOptions options = options("--command-config", config.toString());
        assertEquals("User:bob", options.principal());
        assertEquals("broker:9093", options.bootstrap());
        assertEquals("other:9092", admin("--command-config", config.toString(), "-b", "other:9092")
                .getProperty("bootstrap.servers"), "-b wins over the file");
    }

    @Test
    void shortcutsWinOverTheCommandConfigAndMinusXOverBoth() throws IOException {
        final Path tls = file("tls.properties", "security.protocol=SSL", "ssl.truststore.location=/etc/ca.pem",
                "ssl.truststore.type=PEM");
        final Properties saslOverTls = admin("--command-config", tls.toString(), "--user", "a", "--password", "b");
        assertEquals("SASL_SSL", saslOverTls.getProperty("security.protocol"), "--user keeps the file's TLS");
        assertEquals("/etc/ca.pem", saslOverTls.getProperty("ssl.truststore.location"));

        final Path plain = file("plain.properties", "security.protocol=SASL_PLAINTEXT", "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"x\" "
                        + "password=\"y\";");
        final Properties user = admin("--command-config", plain.toString(), "--user", "alice", "--password", "s");
        assertEquals("PLAIN", user.getProperty("sasl.mechanism"), "the file's mechanism");
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule", loginModule(user));
        assertEquals(Map.of("username", "alice", "password", "s"), jaasOptions(user), "the shortcut's credentials");
        final Properties tlsToo = admin("--command-config", plain.toString(), "--tls");
        assertEquals("SASL_SSL", tlsToo.getProperty("security.protocol"), "--tls keeps the file's SASL");
        assertEquals(Map.of("username", "x", "password", "y"), jaasOptions(tlsToo));

        final Properties x = admin("--command-config", plain.toString(), "--user", "alice", "--password", "s",
                "-X", "sasl.mechanism=SCRAM-SHA-256", "-X", "client.id=mine");
        assertEquals("SCRAM-SHA-256", x.getProperty("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", loginModule(x),
                "the login module follows the mechanism -X sets");
        assertEquals("mine", x.getProperty("client.id"));
        assertEquals("PLAINTEXT", admin("--tls", "-X", "security.protocol=PLAINTEXT")
                .getProperty("security.protocol"));
        assertEquals("-x:1", options("-b", "a:1", "-X", "bootstrap.servers=-x:1").bootstrap());
    }

    @Test
    void producerAndConsumerGetTheSameSecurity() throws IOException {
        final Path ca = file("ca.pem", "not read here");
        final ClientOptions options = options("--user", "alice", "--password", "secret", "--tls-truststore",
                ca.toString());
        for (final Properties props : List.of(options.producerProperties("all", "none"),
                options.consumerProperties("earliest"))) {
            assertEquals("SASL_SSL", props.getProperty("security.protocol"));
            assertEquals(ca.toString(), props.getProperty("ssl.truststore.location"));
            assertEquals(Map.of("username", "alice", "password", "secret"), jaasOptions(props));
        }
    }

    @Test
    void contradictionsAndMissingPartnersAreUsageErrors() {
        assertTrue(usageError("--user", "alice").contains("--user needs --password (or env AILURUS_PASSWORD)"));
        assertTrue(usageError("--password", "x").contains("--password needs --user (or env AILURUS_USER)"));
        assertTrue(usageError("--user", "", "--password", "x").contains("--user must not be empty"));
        assertTrue(usageError("--sasl-mechanism", "GSSAPI").contains(
                "expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 but was 'GSSAPI'"));
        assertTrue(usageError("--sasl-mechanism", "PLAIN").contains("--sasl-mechanism needs --user and --password"));
        assertTrue(usageError("--tls-truststore", "ca.pem", "--tls-truststore-password", "x")
                .contains("a PEM --tls-truststore has no password"));
        assertTrue(usageError("--tls-truststore-password", "x").contains("--tls-truststore-password needs "
                + "--tls-truststore"));
        assertTrue(usageError("--tls-keystore", "client.p12").contains("--tls-keystore needs "
                + "--tls-keystore-password"));
        assertTrue(usageError("--tls-keystore-password", "x").contains("--tls-keystore-password needs "
                + "--tls-keystore"));
    }

    @Test
    void unreadableFilesAreOneLineErrors() {
        final Path missing = dir.resolve("missing.properties");
        final IOException config = assertThrows(IOException.class, () -> options("--command-config",
                missing.toString()));
        assertEquals("cannot read the command config " + missing + ": no such file", config.getMessage());
        final CliRun run = CliRun.of("topic", "list", "--tls-truststore", dir.resolve("ca.pem").toString());
        assertEquals(1, run.exitCode(), run.err());
        assertEquals("error: cannot read --tls-truststore " + dir.resolve("ca.pem") + ": no such file\n",
                run.err().replace(System.lineSeparator(), "\n"));
    }
}
