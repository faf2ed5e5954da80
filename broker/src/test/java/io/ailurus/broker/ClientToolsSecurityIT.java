package io.ailurus.broker;

import static io.ailurus.broker.SecuredBroker.SASL_SSL;
import static io.ailurus.broker.SecuredBroker.SCRAM_256;
import static io.ailurus.broker.SecuredBroker.SCRAM_512;
import static io.ailurus.broker.SecuredBroker.allow;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security from clients that are not kafka-clients and from Apache Kafka's own command-line tools, each a separate
 * process against one node with SASL_SSL and SASL_PLAINTEXT listeners: kcat (librdkafka) and kafkajs log in with
 * SCRAM-SHA-256 and -512 over TLS as {@code tools}, a user with prefixed ACLs on {@code tools-}; AclCommand and
 * ConfigCommand (run in a child JVM: their main exits the JVM) add an ACL and a SCRAM user as {@code admin}. kcat and
 * node are not optional: a machine without them fails here with how to install them (.ci/run installs them).
 */
@Timeout(300)   // a first run also installs kafkajs with npm
class ClientToolsSecurityIT {

    private static final String TOOLS_PASSWORD = "tools-pw";
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static SecuredBroker secured;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(dir.resolve("work"));
        secured = SecuredBroker.start(dir);
        secured.upsertUser("tools", TOOLS_PASSWORD, ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512);
        try (Admin admin = secured.admin()) {
            admin.createTopics(List.of("tools-kcat", "tools-kafkajs-256", "tools-kafkajs-512", "other-secret",
                    "carol-t").stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all()
                    .get(20, TimeUnit.SECONDS);
            final List<AclBinding> acls = new ArrayList<>(allow("User:tools", ResourceType.TOPIC, "tools-",
                    PatternType.PREFIXED, AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE));
            acls.addAll(allow("User:tools", ResourceType.GROUP, "tools-", PatternType.PREFIXED, AclOperation.READ));
            admin.createAcls(acls).all().get(20, TimeUnit.SECONDS);
        }
        secured.broker.node().awaitPartitionsRunning(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (secured != null) {
            secured.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ kcat

    @Test
    void kcatProducesAndConsumesOverTlsWithBothScramMechanismsAndAWrongPasswordFails() throws Exception {
        final String kcat = ClientToolsTransactionsIT.onPath("kcat",
                "install it with `apt-get install kcat` (Debian/Ubuntu)").toString();
        final Run produced256 = run(kcat(kcat, SCRAM_256, TOOLS_PASSWORD, "-P", "-t", "tools-kcat", "-p", "0"),
                "s256-0\ns256-1\n", Map.of());
        assertEquals(0, produced256.exit(), produced256.err());
        final Run produced512 = run(kcat(kcat, SCRAM_512, TOOLS_PASSWORD, "-P", "-t", "tools-kcat", "-p", "0"),
                "s512-0\ns512-1\n", Map.of());
        assertEquals(0, produced512.exit(), produced512.err());

        for (final String mechanism : List.of(SCRAM_256, SCRAM_512)) {
            final Run consumed = run(kcat(kcat, mechanism, TOOLS_PASSWORD, "-C", "-t", "tools-kcat", "-o", "beginning",
                    "-c", "4", "-e", "-f", "%s\\n"), null, Map.of());
            assertEquals(0, consumed.exit(), consumed.err());
            assertEquals(List.of("s256-0", "s256-1", "s512-0", "s512-1"), consumed.out().lines().toList(),
                    mechanism + ":\n" + consumed.err());
        }
        // Metadata lists only what the user may describe.
        final Run listed = run(kcat(kcat, SCRAM_512, TOOLS_PASSWORD, "-L"), null, Map.of());
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains("topic \"tools-kcat\"") && !listed.out().contains("other-secret"),
                listed.out());

        for (final String mechanism : List.of(SCRAM_256, SCRAM_512)) {
            final Run wrong = run(kcat(kcat, mechanism, "not-the-password", "-L", "-m", "4"), null, Map.of());
            assertNotEquals(0, wrong.exit(), "kcat -L with a wrong password succeeded:\n" + wrong.out());
            assertTrue(wrong.err().contains("Authentication failed"), mechanism + ":\n" + wrong.err());
        }
        // The records the tools user wrote are there for kafka-clients too.
        assertEquals(List.of("s256-0", "s256-1", "s512-0", "s512-1"), readAsAdmin("tools-kcat", 4));
    }

    private static List<String> kcat(final String kcat, final String mechanism, final String password,
            final String... args) {
        final List<String> command = new ArrayList<>(List.of(kcat, "-b", secured.bootstrap(SASL_SSL),
                "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=" + mechanism,
                "-X", "sasl.username=tools", "-X", "sasl.password=" + password,
                "-X", "ssl.ca.location=" + secured.certs.caCertificatePem()));
        command.addAll(List.of(args));
        return command;
    }

    // ------------------------------------------------------------------------------------------------ kafkajs

    @Test
    void kafkajsProducesConsumesInAGroupAndListsOnlyItsTopics() throws Exception {
        final Path node = ClientToolsTransactionsIT.onPath("node",
                "install Node.js with `apt-get install nodejs npm` (Debian/Ubuntu)");
        final Path modules = kafkajs();
        final Path script = Path.of(ClientToolsSecurityIT.class.getResource("/kafkajs/security.js").toURI());
        for (final String mechanism : List.of("scram-sha-256", "scram-sha-512")) {
            final String topic = "tools-kafkajs-" + mechanism.substring(mechanism.length() - 3);
            final Run run = run(List.of(node.toString(), script.toString(), secured.bootstrap(SASL_SSL),
                    secured.certs.caCertificatePem().toString(), mechanism, "tools", TOOLS_PASSWORD, topic,
                    "tools-g-" + mechanism), null,
                    Map.of("NODE_PATH", modules.toString(), "KAFKAJS_NO_PARTITIONER_WARNING", "1"));
            assertEquals(0, run.exit(), "kafkajs (" + mechanism + ") failed:\n" + run.err() + run.out());
            final List<String> lines = run.out().lines().toList();
            assertEquals("{\"topics\":[\"tools-kafkajs-256\",\"tools-kafkajs-512\",\"tools-kcat\"],"
                    + "\"values\":[\"" + mechanism + "-0\",\"" + mechanism + "-1\",\"" + mechanism + "-2\"],"
                    + "\"offsets\":{\"0\":\"3\"}}", lines.get(lines.size() - 1),
                    "only the tools- topics are listed; the group read its three records and committed:\n"
                            + run.out() + run.err());
        }
    }

    /** The node_modules with kafkajs {@link ClientToolsTransactionsIT#KAFKAJS_VERSION}, installed with npm if missing. */
    private static Path kafkajs() throws IOException, InterruptedException {
        final Path kafkajsDir = Path.of(System.getProperty("kafkajs.dir", "target/kafkajs")).toAbsolutePath();
        final Path modules = kafkajsDir.resolve("node_modules");
        final String version = ClientToolsTransactionsIT.KAFKAJS_VERSION;
        if (!hasKafkajs(modules, version)) {
            final Path npm = ClientToolsTransactionsIT.onPath("npm", "install it with `apt-get install npm` (Debian/Ubuntu)");
            Files.createDirectories(kafkajsDir);
            final Run installed = run(List.of(npm.toString(), "install", "--prefix", kafkajsDir.toString(),
                    "--no-audit", "--no-fund", "--no-save", "kafkajs@" + version), null, Map.of(),
                    Duration.ofSeconds(240));
            assertEquals(0, installed.exit(), "npm install kafkajs@" + version + " into " + kafkajsDir + " failed:\n"
                    + installed.out() + installed.err());
            assertTrue(hasKafkajs(modules, version), "npm installed no kafkajs " + version + " into " + modules);
        }
        return modules;
    }

    private static boolean hasKafkajs(final Path modules, final String version) throws IOException {
        final Path pkg = modules.resolve("kafkajs").resolve("package.json");
        return Files.isRegularFile(pkg)
                && Files.readString(pkg).matches("(?s).*\"version\"\\s*:\\s*\"" + version.replace(".", "\\.") + "\".*");
    }

    // ------------------------------------------------------------------------------------------------ Kafka's tools

    @Test
    void kafkasAclCommandAndConfigCommandAddAnAclAndAScramUser() throws Exception {
        final Path adminConfig = commandConfig("admin", SecuredBroker.ADMIN_PASSWORD);
        final String bootstrap = secured.bootstrap(SASL_SSL);
        final Run added = kafkaTool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--add", "--allow-principal", "User:carol",
                "--operation", "Read", "--topic", "carol-t");
        assertEquals(0, added.exit(), added.out() + added.err());
        final String carolReads = "(principal=User:carol, host=*, operation=READ, permissionType=ALLOW)";
        assertTrue(added.out().contains("Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=carol-t, "
                + "patternType=LITERAL)`") && added.out().contains(carolReads), added.out());

        final Run listed = kafkaTool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--list", "--topic", "carol-t");
        assertEquals(0, listed.exit(), listed.out() + listed.err());
        assertTrue(listed.out().contains("Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=carol-t, "
                + "patternType=LITERAL)`") && listed.out().contains(carolReads), listed.out());
        try (Admin admin = secured.admin()) {
            assertEquals(Set.of("TOPIC:carol-t:LITERAL:READ:ALLOW"), admin.describeAcls(new AclBindingFilter(
                    ResourcePatternFilter.ANY, new org.apache.kafka.common.acl.AccessControlEntryFilter("User:carol",
                            null, AclOperation.ANY, AclPermissionType.ANY))).values().get(20, TimeUnit.SECONDS)
                    .stream().map(b -> b.pattern().resourceType() + ":" + b.pattern().name() + ":"
                            + b.pattern().patternType() + ":" + b.entry().operation() + ":" + b.entry().permissionType())
                    .collect(Collectors.toSet()));
        }
        // A user who is no super user is refused, and the tool says why.
        final Run refused = kafkaTool("org.apache.kafka.tools.AclCommand", "--bootstrap-server", bootstrap,
                "--command-config", commandConfig("tools", TOOLS_PASSWORD).toString(), "--list");
        assertNotEquals(0, refused.exit(), refused.out());
        assertTrue((refused.out() + refused.err()).contains("ClusterAuthorizationException"),
                refused.out() + refused.err());

        final Run created = kafkaTool("kafka.admin.ConfigCommand", "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--alter",
                "--add-config", "SCRAM-SHA-256=[iterations=8192,password=carol-pw]",
                "--entity-type", "users", "--entity-name", "carol");
        assertEquals(0, created.exit(), created.out() + created.err());
        assertTrue(created.out().contains("Completed updating config for user carol."), created.out());

        // carol logs in with kafka-clients and reads carol-t under the ACL AclCommand added.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(secured.props(SASL_SSL, SCRAM_512, "admin",
                SecuredBroker.ADMIN_PASSWORD), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("carol-t", "for-carol")).get(20, TimeUnit.SECONDS);
        }
        await("carol can log in").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                .until(() -> secured.canLogIn(SASL_SSL, SCRAM_256, "carol", "carol-pw"));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(secured.props(SASL_SSL, SCRAM_256, "carol",
                "carol-pw"), new StringDeserializer(), new StringDeserializer())) {
            assertEquals(List.of("for-carol"), Clients.readFromStart(consumer, List.of(new TopicPartition("carol-t", 0)),
                    1, Duration.ofSeconds(20)).stream().map(ConsumerRecord::value).toList());
        }
        try (Admin admin = secured.admin()) {
            assertEquals(List.of(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192)),
                    admin.describeUserScramCredentials(List.of("carol")).description("carol")
                            .get(20, TimeUnit.SECONDS).credentialInfos());
        }

        final Run described = kafkaTool("kafka.admin.ConfigCommand", "--bootstrap-server", bootstrap,
                "--command-config", adminConfig.toString(), "--describe", "--entity-type", "users");
        assertEquals(0, described.exit(), described.out() + described.err());
        assertTrue(described.out().contains("SCRAM credential configs for user-principal 'carol' are "
                + "SCRAM-SHA-256=iterations=8192"), described.out());
        assertTrue(described.out().contains("SCRAM credential configs for user-principal 'tools' are "), described.out());
    }

    /** A kafka-clients properties file (--command-config) for {@code user} over SASL_SSL with SCRAM-SHA-512. */
    private static Path commandConfig(final String user, final String password) throws IOException {
        final Path file = work.resolve(user + ".properties");
        final StringBuilder text = new StringBuilder();
        text.append("security.protocol=SASL_SSL\n");
        text.append("sasl.mechanism=SCRAM-SHA-512\n");
        text.append("sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"")
                .append(user).append("\" password=\"").append(password).append("\";\n");
        secured.certs.clientSslConfigs().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        text.append("request.timeout.ms=10000\ndefault.api.timeout.ms=20000\n");
        Files.writeString(file, text.toString());
        return file;
    }

    /** Runs a main class of Kafka's tools in a child JVM on this test's classpath (their main calls System.exit). */
    private static Run kafkaTool(final String mainClass, final String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return run(command, null, Map.of());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static List<String> readAsAdmin(final String topic, final int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(secured.props(SASL_SSL, SCRAM_512, "admin",
                SecuredBroker.ADMIN_PASSWORD), new StringDeserializer(), new StringDeserializer())) {
            return Clients.readFromStart(consumer, List.of(new TopicPartition(topic, 0)), count,
                    Duration.ofSeconds(20)).stream().map(ConsumerRecord::value).toList();
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run run(final List<String> command, final String stdin, final Map<String, String> env)
            throws IOException, InterruptedException {
        return run(command, stdin, env, TOOL_TIMEOUT);
    }

    /** Runs a command with stdin (or none), waiting at most {@code timeout}; output goes to files, so it never blocks. */
    private static Run run(final List<String> command, final String stdin, final Map<String, String> env,
            final Duration timeout) throws IOException, InterruptedException {
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
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            final String shown = command.stream().map(a -> a.length() > 300 ? "<" + a.length() + " chars>" : a)
                    .collect(Collectors.joining(" "));
            throw new AssertionError(shown + " did not finish in "
                    + timeout.toSeconds() + " s; stdout:\n" + Files.readString(out) + "\nstderr:\n"
                    + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
