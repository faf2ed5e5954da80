package io.ailurus.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ailurus.broker.security.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API client's side of security, against a stand-in HTTP(S) server: the Basic credentials it sends, https
 * with a given CA, and the one-line errors for 401, 403 and an untrusted certificate.
 */
class AdminApiSecurityTest {

    @TempDir
    static Path dir;

    static TestCertificates certs;

    /** The Authorization header of the last request; null when it had none. */
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private HttpServer server;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.create(dir.resolve("tls"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Answers GET /v1/transform with {@code status} and {@code body}. */
    private String serve(final HttpServer http, final int status, final String body) {
        server = http;
        server.createContext("/v1/transform", (HttpExchange exchange) -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private String http(final int status, final String body) throws IOException {
        return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), status, body);
    }

    private String https(final int status, final String body) throws Exception {
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.serverKeyStore())) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, TestCertificates.PASSWORD.toCharArray());
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        final HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        return serve(https, status, body);
    }

    private static String errText(final CliRun run) {
        return run.err().replace(System.lineSeparator(), "\n");
    }

    @Test
    void sendsBasicCredentialsWhenGivenAndNoneOtherwise() throws IOException {
        final String admin = http(200, "[]");
        final CliRun run = CliRun.of("transform", "list", "--admin", admin, "--admin-user", "alice",
                "--admin-password", "s3cr:t");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("no transforms", run.out().strip());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:s3cr:t".getBytes(StandardCharsets.UTF_8)),
                authorization.get());
        assertEquals(0, CliRun.of("transform", "list", "--admin", admin).exitCode());
        assertNull(authorization.get());
    }

    @Test
    void refusedCredentialsAndMissingRightsAreOneLineErrors() throws IOException {
        final String unauthorized = http(401, "{\"message\":\"Unauthorized\"}");
        final CliRun without = CliRun.of("transform", "list", "--admin", unauthorized);
        assertEquals(1, without.exitCode());
        assertEquals("error: the admin API needs credentials: --admin-user and --admin-password (or env "
                + "AILURUS_ADMIN_USER and AILURUS_ADMIN_PASSWORD)\n", errText(without));
        final CliRun wrong = CliRun.of("transform", "list", "--admin", unauthorized, "--admin-user", "alice",
                "--admin-password", "nope");
        assertEquals(1, wrong.exitCode());
        assertEquals("error: the admin API refused the credentials of 'alice' (--admin-user, --admin-password)\n",
                errText(wrong));
        stop();

        final String forbidden = http(403, "{\"message\":\"Forbidden\"}");
        final CliRun notSuper = CliRun.of("transform", "delete", "t", "--admin", forbidden, "--admin-user", "alice",
                "--admin-password", "pw");
        assertEquals(1, notSuper.exitCode());
        assertEquals("error: the admin API needs a superuser, and 'alice' is not one (ailurus start --super-users)\n",
                errText(notSuper));
    }

    @Test
    void httpsWithTheCaAsPemOrPkcs12() throws Exception {
        final String admin = https(200, "[]");
        final CliRun pem = CliRun.of("transform", "list", "--admin", admin, "--admin-truststore",
                certs.caCertificatePem().toString());
        assertEquals(0, pem.exitCode(), pem.err());
        final CliRun p12 = CliRun.of("transform", "list", "--admin", admin, "--admin-tls", "--admin-truststore",
                certs.trustStore().toString(), "--admin-truststore-password", TestCertificates.PASSWORD);
        assertEquals(0, p12.exitCode(), p12.err());
        final CliRun untrusted = CliRun.of("transform", "list", "--admin", admin, "--admin-tls");
        assertEquals(1, untrusted.exitCode());
        assertEquals("error: TLS handshake with the admin API at " + admin + " failed: the server's certificate is "
                + "not trusted (give its CA with --admin-truststore)\n", errText(untrusted));
    }

    @Test
    void credentialsWithoutTheirPartnerAreUsageErrors() {
        final CliRun user = CliRun.of("transform", "list", "--admin-user", "alice");
        assertEquals(2, user.exitCode());
        assertTrue(user.err().startsWith("--admin-user needs --admin-password"), user.err());
        final CliRun pem = CliRun.of("transform", "list", "--admin-truststore", "ca.pem",
                "--admin-truststore-password", "x");
        assertEquals(2, pem.exitCode());
        assertTrue(pem.err().startsWith("a PEM --admin-truststore has no password"), pem.err());
        final CliRun missing = CliRun.of("transform", "list", "--admin-truststore",
                dir.resolve("missing.pem").toString());
        assertEquals(1, missing.exitCode());
        assertEquals("error: cannot read --admin-truststore " + dir.resolve("missing.pem") + ": no such file\n",
                errText(missing));
    }
}
