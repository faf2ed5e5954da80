package io.ailurus.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Options and calls of commands that talk to a node's admin HTTP API (the transforms'): its address, https, and the
 * HTTP Basic credentials of a SASL user when the API asks for them.
 */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "${env:AILURUS_ADMIN:-127.0.0.1:9644}",
            description = "The node's admin API (default: ${DEFAULT-VALUE}; env AILURUS_ADMIN).")
    String admin;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "30000",
            description = "How long one call may take (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--admin-user", paramLabel = "NAME", defaultValue = "${env:AILURUS_ADMIN_USER}",
            description = "Log in to the admin API (HTTP Basic) as NAME, a SASL user (env AILURUS_ADMIN_USER).")
    String user;

    @Option(names = "--admin-password", paramLabel = "PASSWORD", defaultValue = "${env:AILURUS_ADMIN_PASSWORD}",
            description = "The password of --admin-user (env AILURUS_ADMIN_PASSWORD keeps it out of the process list).")
    String password;

    @Option(names = "--admin-tls", description = "Talk https to the admin API (implied by --admin-truststore).")
    boolean tls;

    @Option(names = "--admin-truststore", paramLabel = "FILE",
            description = "The CA certificate(s) to trust for https: PEM (.pem, .crt), PKCS12 or JKS (default: the "
                    + "JVM's).")
    Path truststore;

    @Option(names = "--admin-truststore-password", paramLabel = "PASSWORD",
            description = "The password of a PKCS12 or JKS --admin-truststore.")
    String truststorePassword;

    /** A call that failed in a way the operator can act on; its message is the whole story. */
    static final class Failure extends Exception {
        Failure(final String message) {
            super(message);
        }
    }

    /** Usage errors: credentials without their partner, a password for a PEM file. */
    void check(final CommandLine commandLine) {
        if (user != null && password == null) {
            throw new ParameterException(commandLine, "--admin-user needs --admin-password (or env "
                    + "AILURUS_ADMIN_PASSWORD)");
        }
        if (password != null && user == null) {
            throw new ParameterException(commandLine,
                    "--admin-password needs --admin-user (or env AILURUS_ADMIN_USER)");
        }
        if (truststorePassword != null && truststore == null) {
            throw new ParameterException(commandLine, "--admin-truststore-password needs --admin-truststore");
        }
        if (truststorePassword != null && TlsStoreType.of(truststore).equals(TlsStoreType.PEM)) {
            throw new ParameterException(commandLine, "a PEM --admin-truststore has no password: drop "
                    + "--admin-truststore-password");
        }
    }

    JsonNode get(final String path) throws Failure {
        return send(request(path).GET());
    }

    JsonNode post(final String path, final byte[] body) throws Failure {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    JsonNode put(final String path, final Object json) throws Failure {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(json))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode delete(final String path) throws Failure {
        return send(request(path).DELETE());
    }

    private boolean https() {
        return tls || truststore != null;
    }

    private HttpRequest.Builder request(final String path) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((https() ? "https://" : "http://")
                + admin + path)).timeout(Duration.ofMillis(timeoutMs));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private JsonNode send(final HttpRequest.Builder request) throws Failure {
        final HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(Math.min(timeoutMs, 5_000)));
        if (truststore != null) {
            builder.sslContext(trusting(truststore, truststorePassword));
        }
        final HttpClient http = builder.build();
        final HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new Failure("cannot reach the admin API at " + admin + " (is the node running? --admin)");
        } catch (SSLException e) {
            throw new Failure("TLS handshake with the admin API at " + admin + " failed: "
                    + TlsProblems.explain(e, "--admin-truststore", null, null));
        } catch (IOException e) {
            throw new Failure("the admin API at " + admin + " did not answer: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + (https() ? "" : " (if it serves HTTPS: --admin-tls)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() == 401) {
            throw new Failure(user == null
                    ? "the admin API needs credentials: --admin-user and --admin-password (or env AILURUS_ADMIN_USER "
                            + "and AILURUS_ADMIN_PASSWORD)"
                    : "the admin API refused the credentials of '" + user + "' (--admin-user, --admin-password)");
        }
        if (response.statusCode() == 403) {
            throw new Failure("the admin API needs a superuser" + (user == null ? "" : ", and '" + user
                    + "' is not one (ailurus start --super-users)"));
        }
        if (response.statusCode() / 100 != 2) {
            final String message = body != null && body.has("message") ? body.get("message").asText()
                    : new String(response.body(), StandardCharsets.UTF_8);
            throw new Failure(message + " (HTTP " + response.statusCode() + ")");
        }
        return body;
    }

    /** An SSL context that trusts the certificates of {@code file} (PEM, PKCS12 or JKS). */
    private static SSLContext trusting(final Path file, final String password) throws Failure {
        try {
            final KeyStore trusted;
            if (TlsStoreType.of(file).equals(TlsStoreType.PEM)) {
                trusted = KeyStore.getInstance(TlsStoreType.PKCS12);
                trusted.load(null, null);
                try (InputStream in = Files.newInputStream(file)) {
                    int i = 0;
                    for (final Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trusted.setCertificateEntry("ca-" + i++, c);
                    }
                }
            } else {
                trusted = KeyStore.getInstance(TlsStoreType.of(file));
                try (InputStream in = Files.newInputStream(file)) {
                    trusted.load(in, password == null ? null : password.toCharArray());
                }
            }
            if (trusted.size() == 0) {
                throw new Failure("--admin-truststore " + file + " holds no certificate");
            }
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (NoSuchFileException e) {
            throw new Failure("cannot read --admin-truststore " + file + ": no such file");
        } catch (IOException | GeneralSecurityException e) {
            throw new Failure("cannot read --admin-truststore " + file + ": " + e.getMessage());
        }
    }
}
