package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ailurus.broker.security.TestCertificates;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a node with {@code admin.require-auth} and {@code admin.tls}: HTTPS only, HTTP Basic credentials of
 * a SCRAM user for every route, a super user for the routes that change the cluster.
 */
class AdminApiSecurityIT {

    @TempDir
    static Path dir;
    private static TestBroker broker;
    private static TestCertificates tls;
    private static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        tls = TestCertificates.create(dir.resolve("tls"));
        final Map<String, Object> config = new HashMap<>();
        config.put("ailurus.kafka.listeners", "SASL_PLAINTEXT://127.0.0.1:0");
        config.put("ailurus.security.ssl.keystore.type", "PKCS12");
        config.put("ailurus.security.ssl.keystore.location", tls.serverKeyStore().toString());
        config.put("ailurus.security.ssl.keystore.password", TestCertificates.PASSWORD);
        config.put("ailurus.security.ssl.key.password", TestCertificates.PASSWORD);
        config.put("ailurus.security.super-users", List.of("User:admin"));
        config.put("ailurus.security.bootstrap-user", "admin:admin-secret");
        config.put("ailurus.security.admin.require-auth", true);
        config.put("ailurus.security.admin.tls", true);
        broker = TestBroker.start(dir.resolve("data"), config);
        https = HttpClient.newBuilder().sslContext(trusting(tls.trustStore())).connectTimeout(Duration.ofSeconds(5))
                .build();
        final Properties admin = new Properties();
        admin.put("bootstrap.servers", broker.bootstrap());
        admin.put("security.protocol", "SASL_PLAINTEXT");
        admin.put("sasl.mechanism", "SCRAM-SHA-256");
        admin.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"admin\" password=\"admin-secret\";");
        admin.put("default.api.timeout.ms", "20000");
        admin.put("request.timeout.ms", "5000");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    try (Admin client = Admin.create(admin)) {
                        client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("operator",
                                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "operator-secret")))
                                .all().get(10, TimeUnit.SECONDS);
                        return true;
                    }
                });
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyRouteWantsTheCredentialsOfAUser() throws Exception {
        assertEquals(401, get("/v1/brokers", null).statusCode());
        assertEquals(401, get("/v1/brokers", "admin:wrong").statusCode());
        assertEquals(401, get("/v1/cluster/health", "nobody:x").statusCode());
        final HttpResponse<String> brokers = get("/v1/brokers", "operator:operator-secret");
        assertEquals(200, brokers.statusCode());
        assertTrue(brokers.body().contains("\"nodeId\":1"), brokers.body());
        assertEquals(200, get("/v1/transform", "operator:operator-secret").statusCode());
    }

    @Test
    void changingTheClusterNeedsASuperUser() throws Exception {
        final HttpResponse<String> refused = post("/v1/brokers/7/decommission", "operator:operator-secret");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("super user"), refused.body());
        assertEquals(403, delete("/v1/transform/some", "operator:operator-secret").statusCode());
        // The super user gets through to the route itself, which knows no broker 7.
        assertEquals(404, post("/v1/brokers/7/decommission", "admin:admin-secret").statusCode());
    }

    @Test
    void theApiIsServedOverHttpsOnly() {
        final HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class, () -> untrusting.send(request("/v1/brokers", "admin:admin-secret")
                .GET().build(), HttpResponse.BodyHandlers.ofString()));
        final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + broker.node().adminPort() + "/v1/brokers")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpResponse<String> get(final String path, final String credentials) throws Exception {
        return https.send(request(path, credentials).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(final String path, final String credentials) throws Exception {
        return https.send(request(path, credentials).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(final String path, final String credentials) throws Exception {
        return https.send(request(path, credentials).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(final String path, final String credentials) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("https://localhost:"
                + broker.node().adminPort() + path)).timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    private static SSLContext trusting(final Path trustStore) throws Exception {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(trustStore.toFile())) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
