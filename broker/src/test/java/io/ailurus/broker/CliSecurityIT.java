package io.ailurus.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.broker.security.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a secured broker (SASL_SSL and SASL_PLAINTEXT listeners, SCRAM users, ACLs, an admin API over HTTPS
 * with HTTP Basic): an admin creates a user and grants it access, the user produces and consumes through a command
 * config file and through the shortcuts, and loses access with its ACLs. Produce and consume run as a separate
 * process (stdin, stdout), as {@link CliIT}; the rest in-process, as {@link GroupCliIT}.
 */
@Timeout(300)
class CliSecurityIT {

    private static final String TOPIC = "a-orders";
    private static final String GROUP = "a-group";
    private static final String[] ADMIN = {"--user", "admin", "--password", "admin-secret"};

    @TempDir
    static Path dataDir;

    @TempDir
    static Path work;

    static TestCertificates certs;
    static TestBroker broker;
    /** SASL_SSL, SASL_PLAINTEXT and SSL (client certificates required) bootstrap addresses. */
    static String saslSsl;
    static String saslPlaintext;
    static String mutualTls;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(work.resolve("tls"));
        final Map<String, Object> config = new HashMap<>();
        config.put("ailurus.kafka.listeners", "SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
        config.put("ailurus.security.listener.ssl.ssl.client.auth", "required");
        config.put("ailurus.security.ssl.keystore.location", certs.serverKeyStore().toString());
        config.put("ailurus.security.ssl.keystore.password", TestCertificates.PASSWORD);
        config.put("ailurus.security.ssl.keystore.type", "PKCS12");
        config.put("ailurus.security.ssl.truststore.location", certs.trustStore().toString());
        config.put("ailurus.security.ssl.truststore.password", TestCertificates.PASSWORD);
        config.put("ailurus.security.ssl.truststore.type", "PKCS12");
        config.put("ailurus.security.super-users", List.of("User:admin"));
        config.put("ailurus.security.bootstrap-user", "admin:admin-secret");
        config.put("ailurus.security.admin.require-auth", true);
        config.put("ailurus.security.admin.tls", true);
        broker = TestBroker.start(dataDir, config);
        saslSsl = broker.bootstrap("SASL_SSL");
        saslPlaintext = broker.bootstrap("SASL_PLAINTEXT");
        mutualTls = broker.bootstrap("SSL");
        // The bootstrap user is created in the background once the controller is up.
        await("the bootstrap user").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> asAdmin("user", "list").exit() == 0);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** In-process, output captured; {@code args} name the listener and the credentials. */
    static CliRun cli(final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--timeout", "10000"));
        return CliRun.inProcess(all);
    }

    /** The admin over SASL_SSL with the shortcuts, trusting the CA as a PEM file. */
    static CliRun asAdmin(final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(ADMIN));
        all.addAll(List.of("-b", saslSsl, "--tls-truststore", certs.caCertificatePem().toString()));
        return cli(all.toArray(String[]::new));
    }

    static CliRun ok(final CliRun run, final String what) {
        assertEquals(0, run.exit(), what + ": " + run.err());
        return run;
    }

    /** As a user runs it: its own JVM, with {@code env} added to the environment and {@code stdin} as input. */
    static CliRun process(final Map<String, String> env, final String stdin, final String... args)
            throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), "io.ailurus.broker.Ailurus"));
        command.addAll(List.of(args));
        command.addAll(List.of("--timeout", "10000"));
        final Path out = Files.createTempFile(work, "out", ".txt");
        final Path err = Files.createTempFile(work, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        final Process p = builder.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ailurus " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Alice's kafka-clients properties for the SASL_SSL listener, as Kafka's tools take them. */
    static Path aliceCommandConfig() throws IOException {
        final Path file = work.resolve("alice.properties");
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=" + saslSsl,
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\",
                "    username=\"alice\" password=\"alice-secret\";",
                "ssl.truststore.location=" + certs.trustStore(),
                "ssl.truststore.password=" + TestCertificates.PASSWORD,
                "ssl.truststore.type=PKCS12",
                ""));
        return file;
    }

    @Test
    void anAdminGrantsAUserAccessAndTakesItBack() throws Exception {
        final CliRun created = ok(asAdmin("user", "create", "alice", "--new-password", "alice-secret"), "user create");
        assertEquals("created user 'alice' (SCRAM-SHA-256, SCRAM-SHA-512; 4096 iterations)\n",
                created.out().replace(System.lineSeparator(), "\n"));
        final CliRun users = ok(asAdmin("user", "list"), "user list");
        assertEquals(List.of("USER", "MECHANISMS"), users.row("USER"));
        assertEquals(List.of("alice", "SCRAM-SHA-256", "(4096", "iterations),", "SCRAM-SHA-512", "(4096",
                "iterations)"), users.row("alice"));
        assertTrue(users.hasRow("admin"), users.out());

        ok(asAdmin("topic", "create", TOPIC, "-p", "2"), "topic create");
        final CliRun topicAcls = ok(asAdmin("acl", "create", "--allow", "--principal", "User:alice",
                "--operation", "write,READ,Describe", "--topic", TOPIC), "acl create --topic");
        assertTrue(topicAcls.out().endsWith("created 3 ACLs" + System.lineSeparator()), topicAcls.out());
        final CliRun groupAcl = ok(asAdmin("acl", "create", "--allow", "--principal", "User:alice",
                "--operation", "READ", "--group", GROUP), "acl create --group");
        assertTrue(groupAcl.out().endsWith("created 1 ACL" + System.lineSeparator()), groupAcl.out());

        // Alice over SASL_SSL with a command config file (its bootstrap.servers too)
        final Path config = aliceCommandConfig();
        final AtomicReference<CliRun> produced = new AtomicReference<>();
        // The ACLs reach the authorizer once the controller has applied them: the first produce may come early.
        await("alice may write").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            produced.set(process(Map.of(), "k1:one\nk2:two\n", "produce", TOPIC, "-k", ":", "-p", "0",
                    "--command-config", config.toString()));
            return produced.get().exit() == 0;
        });
        assertTrue(produced.get().err().contains("sent 2 records"), produced.get().err());
        final CliRun consumedTls = process(Map.of(), null, "consume", TOPIC, "--from-beginning", "-n", "2",
                "-f", "%p/%o %k=%s\\n", "--command-config", config.toString());
        assertEquals(0, consumedTls.exit(), consumedTls.err());
        assertEquals(List.of("0/0 k1=one", "0/1 k2=two"), consumedTls.lines());

        // Alice over SASL_PLAINTEXT with the shortcuts (the password from the environment)
        final Map<String, String> alice = Map.of("AILURUS_USER", "alice", "AILURUS_PASSWORD", "alice-secret");
        final CliRun producedPlain = process(alice, "k3:three\n", "produce", TOPIC, "-k", ":", "-p", "0",
                "-b", saslPlaintext, "--sasl-mechanism", "SCRAM-SHA-256");
        assertEquals(0, producedPlain.exit(), producedPlain.err());
        final CliRun consumedPlain = process(Map.of(), null, "consume", TOPIC, "--from-beginning", "-n", "3",
                "-f", "%o %k=%s\\n", "-b", saslPlaintext, "--user", "alice", "--password", "alice-secret");
        assertEquals(0, consumedPlain.exit(), consumedPlain.err());
        assertEquals(List.of("0 k1=one", "1 k2=two", "2 k3=three"), consumedPlain.lines());

        // What alice may not do, and a wrong password
        final CliRun create = cli("topic", "create", "b", "-b", saslPlaintext, "--user", "alice",
                "--password", "alice-secret");
        assertEquals(1, create.exit(), create.out());
        assertEquals("error: not authorized: User:alice lacks CREATE permission on topic 'b'\n", create.errText());
        final CliRun users2 = cli("user", "list", "-b", saslPlaintext, "--user", "alice", "--password", "alice-secret");
        assertEquals(1, users2.exit(), users2.out());
        assertEquals("error: not authorized: User:alice lacks DESCRIBE permission on the cluster\n",
                users2.errText());
        final CliRun wrong = cli("topic", "list", "-b", saslPlaintext, "--user", "alice", "--password", "nope");
        assertEquals(1, wrong.exit(), wrong.out());
        assertTrue(wrong.errText().startsWith("error: authentication failed: "), wrong.err());
        assertTrue(wrong.errText().contains("invalid credentials"), wrong.err());
        assertTrue(wrong.errText().endsWith("(User:alice at " + saslPlaintext + ")\n"), wrong.err());
        assertEquals(1, wrong.errText().lines().count(), wrong.err());

        // The grants, listed and deleted
        final CliRun acls = ok(asAdmin("acl", "list"), "acl list");
        assertEquals(List.of("PRINCIPAL", "PERMISSION", "OPERATION", "RESOURCE-TYPE", "NAME", "PATTERN", "HOST"),
                acls.row("PRINCIPAL"));
        assertEquals(List.of("User:alice", "ALLOW", "READ", "GROUP", GROUP, "LITERAL", "*"),
                acls.row("User:alice", "ALLOW", "READ", "GROUP"));
        for (final String operation : List.of("READ", "WRITE", "DESCRIBE")) {
            assertEquals(List.of("User:alice", "ALLOW", operation, "TOPIC", TOPIC, "LITERAL", "*"),
                    acls.row("User:alice", "ALLOW", operation, "TOPIC"));
        }
        assertEquals(5, acls.lines().size(), acls.out());
        final CliRun onGroup = ok(asAdmin("acl", "list", "--principal", "User:alice", "--group", GROUP), "acl list");
        assertEquals(2, onGroup.lines().size(), onGroup.out());

        final CliRun unconfirmed = asAdmin("acl", "delete", "--principal", "User:alice");
        assertEquals(1, unconfirmed.exit(), unconfirmed.err());
        assertEquals(5, unconfirmed.lines().size(), unconfirmed.out());
        assertEquals("error: 4 ACLs match; nothing deleted: add --yes to delete them\n", unconfirmed.errText());
        assertEquals(5, ok(asAdmin("acl", "list"), "acl list").lines().size(), "nothing deleted without --yes");
        final CliRun deleted = ok(asAdmin("acl", "delete", "--principal", "User:alice", "--yes"), "acl delete");
        assertTrue(deleted.out().endsWith("deleted 4 ACLs" + System.lineSeparator()), deleted.out());
        assertEquals(List.of("PRINCIPAL", "PERMISSION", "OPERATION", "RESOURCE-TYPE", "NAME", "PATTERN", "HOST"),
                ok(asAdmin("acl", "list"), "acl list").lines().stream().map(l -> List.of(l.split("\\s+")))
                        .reduce((a, b) -> b).orElseThrow());

        await("alice may no longer read").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> cli("consume", TOPIC, "--from-beginning", "-n", "1", "-b", saslPlaintext,
                        "--user", "alice", "--password", "alice-secret").exit() == 1);
        final CliRun refused = cli("consume", TOPIC, "--from-beginning", "-n", "1", "-b", saslPlaintext,
                "--user", "alice", "--password", "alice-secret");
        assertEquals("error: not authorized: User:alice lacks READ permission on topic '" + TOPIC + "'\n",
                refused.errText());

        final CliRun userDeleted = ok(asAdmin("user", "delete", "alice"), "user delete");
        assertEquals("deleted user 'alice'\n", userDeleted.out().replace(System.lineSeparator(), "\n"));
        assertFalse(ok(asAdmin("user", "list"), "user list").hasRow("alice"));
        final CliRun gone = cli("topic", "list", "-b", saslPlaintext, "--user", "alice", "--password", "alice-secret");
        assertEquals(1, gone.exit(), gone.out());
        assertTrue(gone.errText().startsWith("error: authentication failed: "), gone.err());
        final CliRun again = asAdmin("user", "delete", "alice");
        assertEquals("error: user 'alice' does not exist\n", again.errText());
        assertEquals("user 'alice' does not exist\n",
                ok(asAdmin("user", "delete", "alice", "--if-exists"), "user delete --if-exists").out()
                        .replace(System.lineSeparator(), "\n"));
    }

    @Test
    void tlsAndLoginMistakesAreOneLineErrors() throws Exception {
        final CliRun untrusted = cli("topic", "list", "-b", saslSsl, "--tls", "--user", "admin",
                "--password", "admin-secret");
        assertEquals(1, untrusted.exit(), untrusted.out());
        assertEquals("error: TLS handshake with the broker at " + saslSsl + " failed: the server's certificate is not "
                + "trusted (give its CA with --tls-truststore)\n", untrusted.errText());

        final CliRun plain = cli("topic", "list", "-b", saslSsl, "--user", "admin", "--password", "admin-secret",
                "--tls-truststore", certs.trustStore().toString(), "--tls-truststore-password",
                TestCertificates.PASSWORD, "--sasl-mechanism", "PLAIN");
        assertEquals(0, plain.exit(), "PLAIN over TLS, PKCS12 truststore: " + plain.err());

        // As a person sees it: one line on stderr, nothing else (kafka-clients' own logging stays quiet)
        final CliRun wrongPassword = process(Map.of(), null, "topic", "list", "-b", saslSsl, "--user", "admin",
                "--password", "wrong", "--tls-truststore", certs.caCertificatePem().toString(),
                "--sasl-mechanism", "PLAIN");
        assertEquals(1, wrongPassword.exit(), wrongPassword.out());
        assertEquals("", wrongPassword.out());
        assertEquals("error: authentication failed: Authentication failed during authentication due to invalid "
                + "credentials with SASL mechanism PLAIN (User:admin at " + saslSsl + ")\n", wrongPassword.errText());

        // A listener that wants a client certificate: none, then one as PKCS12 and as a PEM key and chain
        final CliRun noCertificate = cli("topic", "list", "-b", mutualTls, "--tls-truststore",
                certs.caCertificatePem().toString());
        assertEquals(1, noCertificate.exit(), noCertificate.out());
        assertEquals("error: TLS handshake with the broker at " + mutualTls + " failed: the server wants a client "
                + "certificate it trusts (--tls-keystore)\n", noCertificate.errText());
        final TestCertificates.ClientCert client = certs.client("cli-user");
        final CliRun p12 = cli("topic", "list", "-b", mutualTls, "--tls-truststore", certs.caCertificatePem().toString(),
                "--tls-keystore", client.keyStore().toString(), "--tls-keystore-password", TestCertificates.PASSWORD);
        assertEquals(0, p12.exit(), p12.err());
        final Path pem = work.resolve("cli-user.pem");
        Files.writeString(pem, Files.readString(client.privateKeyPem())
                + Files.readString(client.certificateChainPem()));
        final CliRun pemKey = cli("topic", "create", "c", "-b", mutualTls, "--tls-truststore",
                certs.caCertificatePem().toString(), "--tls-keystore", pem.toString());
        assertEquals(1, pemKey.exit(), pemKey.out());
        assertEquals("error: not authorized: this client lacks CREATE permission on topic 'c'\n", pemKey.errText(),
                "logged in with the certificate, as a principal without ACLs");

        final CliRun missingConfig = cli("topic", "list", "-b", saslSsl, "--command-config",
                work.resolve("missing.properties").toString());
        assertEquals(1, missingConfig.exit());
        assertEquals("error: cannot read the command config " + work.resolve("missing.properties")
                + ": no such file\n", missingConfig.errText());
    }

    @Test
    void transformCommandsLogInToTheAdminApi() {
        final String admin = "127.0.0.1:" + broker.node().adminPort();
        final String ca = certs.caCertificatePem().toString();
        final CliRun listed = cli("transform", "list", "--admin", admin, "--admin-truststore", ca,
                "--admin-user", "admin", "--admin-password", "admin-secret");
        assertEquals(0, listed.exit(), listed.err());
        assertEquals("no transforms", listed.out().strip());

        final CliRun wrong = cli("transform", "list", "--admin", admin, "--admin-truststore", ca, "--admin-user", "admin",
                "--admin-password", "wrong");
        assertEquals(1, wrong.exit());
        assertEquals("error: the admin API refused the credentials of 'admin' (--admin-user, --admin-password)\n",
                wrong.errText());
        final CliRun none = cli("transform", "list", "--admin", admin, "--admin-truststore", ca);
        assertEquals(1, none.exit());
        assertEquals("error: the admin API needs credentials: --admin-user and --admin-password (or env "
                + "AILURUS_ADMIN_USER and AILURUS_ADMIN_PASSWORD)\n", none.errText());

        ok(asAdmin("user", "create", "operator", "--new-password", "operator-secret"), "user create");
        final AtomicReference<CliRun> refused = new AtomicReference<>();
        await("operator's credentials").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    refused.set(cli("transform", "delete", "some", "--admin", admin, "--admin-tls",
                            "--admin-truststore", ca, "--admin-user", "operator", "--admin-password",
                            "operator-secret"));
                    return !refused.get().err().contains("refused the credentials");
                });
        assertEquals(1, refused.get().exit());
        assertEquals("error: the admin API needs a superuser, and 'operator' is not one "
                + "(ailurus start --super-users)\n", refused.get().errText());

        final CliRun untrusted = cli("transform", "list", "--admin", admin, "--admin-tls", "--admin-user", "admin",
                "--admin-password", "admin-secret");
        assertEquals(1, untrusted.exit());
        assertEquals("error: TLS handshake with the admin API at " + admin + " failed: the server's certificate is "
                + "not trusted (give its CA with --admin-truststore)\n", untrusted.errText());
        final CliRun plain = cli("transform", "list", "--admin", admin, "--admin-user", "admin", "--admin-password",
                "admin-secret");
        assertEquals(1, plain.exit());
        assertTrue(plain.errText().startsWith("error: the admin API at " + admin + " did not answer: "), plain.err());
        assertTrue(plain.errText().endsWith("(if it serves HTTPS: --admin-tls)\n"), plain.err());
    }
}
