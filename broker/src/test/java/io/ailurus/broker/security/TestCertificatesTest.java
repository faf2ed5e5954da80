package io.ailurus.broker.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated material works with the JDK's own TLS and with kafka-clients' {@link DefaultSslEngineFactory}. */
class TestCertificatesTest {

    private static final int TIMEOUT_MS = 10_000;
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static ExecutorService serverThread;

    @BeforeAll
    static void generate() {
        certs = TestCertificates.create(dir);
        serverThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tls-test-server");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        serverThread.shutdownNow();
        assertTrue(serverThread.awaitTermination(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void writesTheFiles() throws Exception {
        TestCertificates.ClientCert alice = certs.client("alice");
        assertSame(alice, certs.client("alice"));
        for (String name : List.of("ca.pem", "truststore.p12", "server.p12", "server.pem", "server-key.pem",
                                   "server-combined.pem", "client-alice.p12", "client-alice.pem",
                                   "client-alice-key.pem")) {
            assertTrue(Files.size(dir.resolve(name)) > 0, name);
        }
        assertEquals(dir.resolve("client-alice.p12"), alice.keyStore());
        assertEquals("CN=alice,OU=test,O=ailurus", alice.subject());

        for (Path key : List.of(certs.serverPrivateKeyPem(), alice.privateKeyPem())) {
            String text = Files.readString(key);
            assertTrue(text.startsWith("-----BEGIN PRIVATE KEY-----"), text);
        }
        String chain = Files.readString(certs.serverCertificateChainPem());
        assertEquals(2, chain.split("-----BEGIN CERTIFICATE-----", -1).length - 1);
        String combined = Files.readString(certs.serverCombinedPem());
        assertTrue(combined.startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(combined.endsWith(chain), "the combined file ends with the chain");

        KeyStore serverStore = load(certs.serverKeyStore());
        String alias = serverStore.aliases().nextElement();
        X509Certificate server = (X509Certificate) serverStore.getCertificate(alias);
        assertEquals("CN=localhost", server.getSubjectX500Principal().getName());
        assertEquals(List.of(List.of(2, "localhost"), List.of(7, "127.0.0.1")),
            server.getSubjectAlternativeNames().stream().toList());
        assertEquals(2, serverStore.getCertificateChain(alias).length);
        assertTrue(serverStore.isKeyEntry(alias));
        KeyStore trust = load(certs.trustStore());
        X509Certificate ca = (X509Certificate) trust.getCertificate(trust.aliases().nextElement());
        assertTrue(trust.isCertificateEntry(trust.aliases().nextElement()));
        assertTrue(ca.getBasicConstraints() >= 0, "the CA has basicConstraints CA:true");
        server.verify(ca.getPublicKey());
        assertEquals("SHA256withRSA", server.getSigAlgName());

        assertThrows(IllegalArgumentException.class, () -> certs.client("a,b"));
    }

    @Test
    void jdkTlsWithMutualAuthenticationAndHostnameVerification() throws Exception {
        TestCertificates.ClientCert alice = certs.client("alice");
        SSLContext serverContext = context(certs.serverKeyStore(), certs.trustStore());
        SSLContext clientContext = context(alice.keyStore(), certs.trustStore());

        assertEquals("CN=alice,OU=test,O=ailurus", exchange(serverContext, clientContext, "localhost"));
        // The IP SubjectAltName: Kafka clients given 127.0.0.1 as bootstrap verify it against that.
        assertEquals("CN=alice,OU=test,O=ailurus", exchange(serverContext, clientContext, "127.0.0.1"));
        // Endpoint identification is active: a name the certificate does not carry is refused.
        SSLHandshakeException mismatch = assertThrows(SSLHandshakeException.class,
            () -> exchange(serverContext, clientContext, "not-localhost"));
        assertTrue(String.valueOf(mismatch.getMessage()).contains("not-localhost"), mismatch::toString);
    }

    @Test
    void kafkaAcceptsThePemKeyStoreAndTrustStore() throws Exception {
        Map<String, Object> serverConfigs = Map.of(
            "ssl.keystore.type", "PEM",
            "ssl.keystore.location", certs.serverCombinedPem().toString(),
            "ssl.truststore.type", "PEM",
            "ssl.truststore.location", certs.caCertificatePem().toString());
        TestCertificates.ClientCert bob = certs.client("bob");
        try (DefaultSslEngineFactory serverFactory = kafkaFactory(serverConfigs);
             DefaultSslEngineFactory clientFactory = kafkaFactory(certs.clientSslConfigs(bob))) {
            X509Certificate server = (X509Certificate) serverFactory.keystore().getCertificate("kafka");
            assertEquals("CN=localhost", server.getSubjectX500Principal().getName());
            assertEquals(2, serverFactory.keystore().getCertificateChain("kafka").length);
            assertEquals(1, serverFactory.truststore().size());

            assertEquals("CN=bob,OU=test,O=ailurus",
                exchange(serverFactory.sslContext(), clientFactory.sslContext(), "localhost"));
        }
        // A client that only trusts the CA (no key store) builds too.
        try (DefaultSslEngineFactory trustOnly = kafkaFactory(certs.clientSslConfigs())) {
            assertEquals(1, trustOnly.truststore().size());
            assertNull(trustOnly.keystore());
        }
    }

    /**
     * One connection to a server on 127.0.0.1 requiring client authentication, the client verifying the server as
     * {@code host}: "ping" one way, "pong" the other. Returns the client principal the server saw.
     */
    private static String exchange(SSLContext serverContext, SSLContext clientContext, String host) throws Exception {
        SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
            .createServerSocket(0, 1, ipv4Loopback());
        try {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(TIMEOUT_MS);
            Future<String> accepted = serverThread.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(TIMEOUT_MS);
                    socket.startHandshake();
                    assertArrayEquals(PING, socket.getInputStream().readNBytes(PING.length));
                    socket.getOutputStream().write(PONG);
                    socket.getOutputStream().flush();
                    return socket.getSession().getPeerPrincipal().getName();
                }
            });
            try {
                connect(clientContext, host, listener.getLocalPort());
            } catch (Exception clientFailure) {
                // Ends the server's task should it still wait in accept(); its failure is the client's to report.
                listener.close();
                try {
                    accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException serverFailure) {
                    clientFailure.addSuppressed(serverFailure.getCause());
                }
                throw clientFailure;
            }
            return accepted.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } finally {
            listener.close();
        }
    }

    /** Layered on a socket connected to 127.0.0.1: verified as {@code host} whatever that name resolves to. */
    private static void connect(SSLContext clientContext, String host, int port) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(ipv4Loopback(), port), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, host, port, true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(PING);
                out.flush();
                InputStream in = socket.getInputStream();
                assertArrayEquals(PONG, in.readNBytes(PONG.length));
            }
        }
    }

    private static InetAddress ipv4Loopback() throws IOException {
        return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    }

    private static SSLContext context(Path keyStore, Path trustStore) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(keyStore), TestCertificates.PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(trustStore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return store;
    }

    /** Configured as kafka-clients does: the raw properties parsed by the client SSL ConfigDef (defaults, Passwords). */
    private static DefaultSslEngineFactory kafkaFactory(Map<String, Object> raw) {
        Map<String, Object> configs = new HashMap<>(new ConfigDef().withClientSslSupport().parse(raw));
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        factory.configure(configs);
        return factory;
    }
}
