package io.ailurus.bench.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS material for a {@code --tls} run: a self-signed server certificate for 127.0.0.1 (JDK keytool, PKCS12) that
 * both brokers serve, and a truststore holding it for the clients. Both brokers then run the JDK's TLS with the same
 * certificate, protocol (TLS 1.3) and cipher negotiation, so the comparison is of the brokers, not of TLS settings.
 */
public record TlsMaterial(Path keyStore, Path trustStore, String password) {

    private static final String PASSWORD = "bench-secret";

    /** The material under {@code <baseDir>/tls}, created on first use. */
    public static synchronized TlsMaterial in(final Path baseDir) throws IOException, InterruptedException {
        final Path dir = baseDir.resolve("tls");
        final TlsMaterial material = new TlsMaterial(dir.resolve("server.p12"), dir.resolve("truststore.p12"),
                PASSWORD);
        if (Files.isRegularFile(material.trustStore())) {
            return material;
        }
        Files.createDirectories(dir);
        final Path pem = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", material.keyStore().toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "broker", "-rfc", "-file", pem.toString(),
                "-keystore", material.keyStore().toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", pem.toString(), "-storetype", "PKCS12",
                "-keystore", material.trustStore().toString(), "-storepass", PASSWORD);
        return material;
    }

    private static void keytool(final String... args) throws IOException, InterruptedException {
        final List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }

    /** kafka-clients settings of a TLS client that trusts the brokers' certificate. */
    public Map<String, Object> clientProps() {
        final Map<String, Object> props = new HashMap<>();
        props.put("security.protocol", "SSL");
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", trustStore.toString());
        props.put("ssl.truststore.password", password);
        return props;
    }

    /** server.properties lines that put an SSL listener on {@code tlsPort} next to PLAINTEXT and CONTROLLER. */
    Map<String, String> kafkaServerProps(final int plainPort, final int tlsPort, final int controllerPort) {
        final Map<String, String> props = new HashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SSL://127.0.0.1:" + tlsPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SSL://127.0.0.1:" + tlsPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL");
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", keyStore.toString());
        props.put("ssl.keystore.password", password);
        props.put("ssl.key.password", password);
        return props;
    }

    /** ailurus' --config file with the same two listeners and the same certificate. */
    Path ailurusConfig(final Path dir, final int plainPort, final int tlsPort) throws IOException {
        final Path file = dir.resolve("ailurus-tls.conf");
        Files.writeString(file, """
                ailurus.kafka.listeners = "PLAINTEXT://127.0.0.1:%d,SSL://127.0.0.1:%d"
                ailurus.security.ssl {
                  keystore.type = PKCS12
                  keystore.location = "%s"
                  keystore.password = "%s"
                  key.password = "%s"
                }
                """.formatted(plainPort, tlsPort, keyStore, password, password));
        return file;
    }
}
