package io.ailurus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ailurus.broker.security.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.security.scram.internals.ScramMessages.ClientFirstMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throws mutated SASL exchanges and TLS handshakes at a live broker (a fixed seed, so a failure replays), each on a
 * connection of its own, then checks that the broker still serves an authorized client on every listener: bad input
 * may close its own connection, never the broker.
 */
class SecurityFuzzIT {

    private static final long SEED = Long.getLong("fuzz.seed", 20261208L);
    private static final int ROUNDS = Integer.getInteger("fuzz.rounds", 100);

    @TempDir
    static Path dir;
    private static TestBroker broker;
    private static TestCertificates certificates;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(dir.resolve("tls"));
        final Map<String, Object> config = new HashMap<>();
        config.put("ailurus.kafka.listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0");
        config.put("ailurus.security.ssl.keystore.type", "PKCS12");
        config.put("ailurus.security.ssl.keystore.location", certificates.serverKeyStore().toString());
        config.put("ailurus.security.ssl.keystore.password", TestCertificates.PASSWORD);
        config.put("ailurus.security.ssl.key.password", TestCertificates.PASSWORD);
        config.put("ailurus.security.super-users", List.of("User:admin"));
        config.put("ailurus.security.bootstrap-user", "admin:admin-secret");
        config.put("ailurus.security.handshake-timeout", "3s");
        // Every failure would otherwise slow the next answer from 127.0.0.1 down to 5 s.
        config.put("ailurus.security.sasl.max-failed-authentication-delay", "100ms");
        broker = TestBroker.start(dir.resolve("data"), config);
        awaitAdminWorks("SASL_PLAINTEXT", Map.of());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void mutatedSaslExchangesCloseOnlyTheirOwnConnection() throws Exception {
        final Random random = new Random(SEED);
        final int port = broker.node().kafkaPort("SASL_PLAINTEXT");
        final List<byte[]> exchange = saslExchange();
        for (int round = 0; round < ROUNDS; round++) {
            final List<byte[]> frames = new ArrayList<>();
            for (final byte[] frame : exchange) {
                frames.add(random.nextInt(3) == 0 ? mutate(frame, random) : frame);
            }
            sendAndDrain(port, frames);
        }
        awaitAdminWorks("SASL_PLAINTEXT", Map.of());
    }

    @Test
    void mutatedTlsHandshakesCloseOnlyTheirOwnConnection() throws Exception {
        final Random random = new Random(SEED + 1);
        final int port = broker.node().kafkaPort("SASL_SSL");
        final byte[] clientHello = clientHello();
        for (int round = 0; round < ROUNDS; round++) {
            final List<byte[]> frames = List.of(mutate(clientHello, random));
            sendAndDrain(port, frames);
        }
        awaitAdminWorks("SASL_SSL", certificates.clientSslConfigs());
    }

    /** Sends the bytes, then reads whatever comes back until the broker closes or goes quiet for a moment. */
    private static void sendAndDrain(final int port, final List<byte[]> frames) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(200);
            try {
                for (final byte[] frame : frames) {
                    socket.getOutputStream().write(frame);
                }
                socket.getOutputStream().flush();
                final InputStream in = socket.getInputStream();
                final byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                    // drain
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // quiet or reset: either is fine for garbage
            }
        }
    }

    /** ApiVersions, SaslHandshake(SCRAM-SHA-256), SaslAuthenticate(client-first), Metadata: each length-prefixed. */
    private static List<byte[]> saslExchange() {
        int correlation = 0;
        final List<byte[]> frames = new ArrayList<>();
        frames.add(frame(new ApiVersionsRequest.Builder().build((short) 3), ++correlation));
        frames.add(frame(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData()
                .setMechanism("SCRAM-SHA-256")).build((short) 1), ++correlation));
        final byte[] clientFirst = new ClientFirstMessage("admin", "nonce-0123456789", Map.of()).toBytes();
        frames.add(frame(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                .setAuthBytes(clientFirst)).build((short) 2), ++correlation));
        frames.add(frame(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                .setAuthBytes("c=biws,r=nonce-0123456789xyz,p=AAAA".getBytes(StandardCharsets.UTF_8)))
                .build((short) 2), ++correlation));
        frames.add(frame(MetadataRequest.Builder.allTopics().build((short) 12), ++correlation));
        return frames;
    }

    private static byte[] frame(final AbstractRequest request, final int correlationId) {
        final ByteBuffer body = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                "fuzz", correlationId));
        final ByteBuffer framed = ByteBuffer.allocate(body.remaining() + 4).putInt(body.remaining()).put(body);
        return framed.array();
    }

    /** A real TLS ClientHello, as the JDK's client engine writes it. */
    private static byte[] clientHello() throws Exception {
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        final SSLEngine engine = context.createSSLEngine("localhost", 9093);
        engine.setUseClientMode(true);
        final ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        final SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
        assertEquals(SSLEngineResult.Status.OK, result.getStatus());
        out.flip();
        final byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** One of: flip bytes, truncate, splice in random bytes, repeat a slice, overwrite a length-like int. */
    private static byte[] mutate(final byte[] original, final Random random) {
        final byte[] bytes = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return bytes;
            }
            case 1 -> {
                final byte[] cut = new byte[random.nextInt(bytes.length)];
                System.arraycopy(bytes, 0, cut, 0, cut.length);
                return cut;
            }
            case 2 -> {
                final ByteArrayOutputStream spliced = new ByteArrayOutputStream();
                final int at = random.nextInt(bytes.length);
                spliced.write(bytes, 0, at);
                final byte[] noise = new byte[1 + random.nextInt(64)];
                random.nextBytes(noise);
                spliced.write(noise, 0, noise.length);
                spliced.write(bytes, at, bytes.length - at);
                return spliced.toByteArray();
            }
            case 3 -> {
                final ByteArrayOutputStream repeated = new ByteArrayOutputStream();
                repeated.write(bytes, 0, bytes.length);
                final int from = random.nextInt(bytes.length);
                repeated.write(bytes, from, bytes.length - from);
                return repeated.toByteArray();
            }
            default -> {
                if (bytes.length >= 8) {
                    ByteBuffer.wrap(bytes).putInt(random.nextInt(bytes.length - 4),
                            random.nextBoolean() ? Integer.MAX_VALUE : random.nextInt());
                }
                return bytes;
            }
        }
    }

    private static void awaitAdminWorks(final String listener, final Map<String, Object> tls) throws Exception {
        final Properties p = new Properties();
        p.put("bootstrap.servers", "localhost:" + broker.node().kafkaPort(listener));
        p.put("security.protocol", listener);
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"admin\" password=\"admin-secret\";");
        p.put("request.timeout.ms", "5000");
        p.put("default.api.timeout.ms", "20000");
        p.putAll(tls);
        // The bootstrap user is created once the controller answers, right after the start.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    try (Admin admin = Admin.create(p)) {
                        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 1;
                    }
                });
    }
}
