package io.ailurus.broker.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS material for the tests of the TLS and SASL_SSL listeners: a CA, a server certificate for {@code localhost} and
 * client certificates on demand, written under one directory as PKCS12 stores and PEM files that kafka-clients
 * ({@code ssl.*} configs), librdkafka (kcat) and Node.js (kafkajs) read.
 *
 * <p>Files under {@link #dir()} (every store and key password is {@value #PASSWORD}):
 * <ul>
 *   <li>{@code ca.pem}: the CA certificate; {@code truststore.p12}: the CA as a trusted entry.</li>
 *   <li>{@code server.p12}: the server key and chain (server, CA); {@code server.pem}: that chain;
 *       {@code server-key.pem}: the unencrypted PKCS#8 key; {@code server-combined.pem}: the key then the chain, the
 *       one-file form Kafka's {@code ssl.keystore.type=PEM} reads from {@code ssl.keystore.location}.</li>
 *   <li>per {@link #client(String) client}: {@code client-<cn>.p12}, {@code client-<cn>.pem} (chain),
 *       {@code client-<cn>-key.pem} (unencrypted PKCS#8 key).</li>
 * </ul>
 *
 * <p>The server certificate has CN=localhost and the SubjectAltNames DNS:localhost and IP:127.0.0.1, so clients with
 * endpoint identification ({@code https}, Kafka's default) accept it under either name. It can also authenticate as a
 * TLS client (extended key usage serverAuth and clientAuth), as a broker does towards other brokers.
 *
 * <p>Only the JDK's providers are used for keys, signatures and stores: nothing is registered in
 * {@link java.security.Security}.
 */
public final class TestCertificates {

    /** The password of every PKCS12 store and of the keys in them. */
    public static final String PASSWORD = "changeit";

    private static final String STORE_TYPE = "PKCS12";
    private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";
    private static final int RSA_BITS = 2048;
    private static final Duration VALIDITY = Duration.ofDays(365);
    /** Client certificates' names become file names and stay out of X.500 escaping. */
    private static final Pattern COMMON_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * A client certificate: its subject ({@code CN=<commonName>,OU=test,O=ailurus}, as
     * {@link X500Principal#getName()} prints it) and its files.
     */
    public record ClientCert(String commonName, String subject, Path keyStore, Path certificateChainPem,
                             Path privateKeyPem) {}

    private final Path dir;
    private final SecureRandom random;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final Map<String, ClientCert> clients = new HashMap<>();

    private TestCertificates(Path dir, SecureRandom random, KeyPair caKeys, X509Certificate caCert) {
        this.dir = dir;
        this.random = random;
        this.caKeys = caKeys;
        this.caCert = caCert;
    }

    /** Generates the CA and the server certificate under {@code dir} (created if absent; files in it replaced). */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            SecureRandom random = new SecureRandom();
            KeyPair caKeys = rsaKeyPair(random);
            X500Principal caName = new X500Principal("CN=ailurus test CA,OU=test,O=ailurus");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder ca = builder(random, caName, caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(ca, caKeys.getPrivate());

            TestCertificates certs = new TestCertificates(dir, random, caKeys, caCert);
            writePem(certs.caCertificatePem(), caCert);
            KeyStore trust = emptyStore();
            trust.setCertificateEntry("ca", caCert);
            writeStore(trust, certs.trustStore());

            KeyPair serverKeys = rsaKeyPair(random);
            X509Certificate serverCert = certs.issue(new X500Principal("CN=localhost"), serverKeys.getPublic(),
                new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}),
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
            certs.writeKeyMaterial("server", serverKeys.getPrivate(), serverCert, certs.serverKeyStore(),
                certs.serverCertificateChainPem(), certs.serverPrivateKeyPem());
            Files.writeString(certs.serverCombinedPem(),
                pem(serverKeys.getPrivate()) + pem(serverCert, caCert), StandardCharsets.US_ASCII);
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not generate the test TLS material under " + dir, e);
        }
    }

    /**
     * The client certificate with subject {@code CN=<commonName>,OU=test,O=ailurus} (extended key usage clientAuth),
     * signed by the CA; generated and written on the first call for a name, returned as is on the next ones.
     *
     * @param commonName letters, digits, '.', '_' and '-', starting with a letter or a digit
     */
    public synchronized ClientCert client(String commonName) {
        if (commonName == null || !COMMON_NAME.matcher(commonName).matches()) {
            throw new IllegalArgumentException("client common name must match " + COMMON_NAME + ": " + commonName);
        }
        ClientCert existing = clients.get(commonName);
        if (existing != null) {
            return existing;
        }
        try {
            KeyPair keys = rsaKeyPair(random);
            X500Principal subject = new X500Principal("CN=" + commonName + ",OU=test,O=ailurus");
            X509Certificate cert = issue(subject, keys.getPublic(), null, KeyPurposeId.id_kp_clientAuth);
            ClientCert client = new ClientCert(commonName, subject.getName(),
                dir.resolve("client-" + commonName + ".p12"),
                dir.resolve("client-" + commonName + ".pem"),
                dir.resolve("client-" + commonName + "-key.pem"));
            writeKeyMaterial(commonName, keys.getPrivate(), cert, client.keyStore(), client.certificateChainPem(),
                client.privateKeyPem());
            clients.put(commonName, client);
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("could not generate the client certificate " + commonName, e);
        }
    }

    /**
     * kafka-clients configs of a client that trusts the CA: {@code ssl.truststore.location}, {@code .password} and
     * {@code .type} (PKCS12). A new mutable map: add {@code security.protocol} (SSL or SASL_SSL) and the rest.
     * Endpoint identification is left at Kafka's default, {@code https}.
     */
    public Map<String, Object> clientSslConfigs() {
        Map<String, Object> configs = new LinkedHashMap<>();
        configs.put("ssl.truststore.location", trustStore().toString());
        configs.put("ssl.truststore.password", PASSWORD);
        configs.put("ssl.truststore.type", STORE_TYPE);
        return configs;
    }

    /** {@link #clientSslConfigs()} plus the client's key store, for listeners that require client authentication. */
    public Map<String, Object> clientSslConfigs(ClientCert cert) {
        Map<String, Object> configs = clientSslConfigs();
        configs.put("ssl.keystore.location", cert.keyStore().toString());
        configs.put("ssl.keystore.password", PASSWORD);
        configs.put("ssl.keystore.type", STORE_TYPE);
        configs.put("ssl.key.password", PASSWORD);
        return configs;
    }

    public Path dir() {
        return dir;
    }

    public String password() {
        return PASSWORD;
    }

    /** {@code ca.pem}. */
    public Path caCertificatePem() {
        return dir.resolve("ca.pem");
    }

    /** {@code truststore.p12}: PKCS12, the CA as trusted certificate entry. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** {@code server.p12}: PKCS12, the server key with the chain server, CA. */
    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    /** {@code server.pem}: the server certificate, then the CA's. */
    public Path serverCertificateChainPem() {
        return dir.resolve("server.pem");
    }

    /** {@code server-key.pem}: the server's unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"). */
    public Path serverPrivateKeyPem() {
        return dir.resolve("server-key.pem");
    }

    /** {@code server-combined.pem}: the server key then its chain, for Kafka's PEM {@code ssl.keystore.location}. */
    public Path serverCombinedPem() {
        return dir.resolve("server-combined.pem");
    }

    private X509Certificate issue(X500Principal subject, PublicKey key, GeneralNames altNames, KeyPurposeId... usages)
        throws GeneralSecurityException, OperatorCreationException, IOException {
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = builder(random, caCert.getSubjectX500Principal(), subject, key)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages))
            .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
            .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        return sign(builder, caKeys.getPrivate());
    }

    private void writeKeyMaterial(String alias, PrivateKey key, X509Certificate cert, Path store, Path chainPem,
                                  Path keyPem) throws GeneralSecurityException, IOException {
        KeyStore keyStore = emptyStore();
        keyStore.setKeyEntry(alias, key, PASSWORD.toCharArray(), new X509Certificate[] {cert, caCert});
        writeStore(keyStore, store);
        writePem(chainPem, cert, caCert);
        Files.writeString(keyPem, pem(key), StandardCharsets.US_ASCII);
    }

    /** The subject and issuer are X500Principals: BouncyCastle's own string parsing would reverse the RDN order. */
    private static X509v3CertificateBuilder builder(SecureRandom random, X500Principal issuer, X500Principal subject,
                                                    PublicKey key) {
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(96, random).setBit(95);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
        throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer);
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static KeyPair rsaKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(RSA_BITS, random);
        return generator.generateKeyPair();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(STORE_TYPE);
        store.load(null, null);
        return store;
    }

    private static void writeStore(KeyStore store, Path file) throws GeneralSecurityException, IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
    }

    private static void writePem(Path file, X509Certificate... certs) throws IOException {
        Files.writeString(file, pem(certs), StandardCharsets.US_ASCII);
    }

    private static String pem(X509Certificate... certs) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate cert : certs) {
                writer.writeObject(cert);
            }
        }
        return text.toString();
    }

    /** Unencrypted PKCS#8: "-----BEGIN PRIVATE KEY-----". */
    private static String pem(PrivateKey key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        return text.toString();
    }
}
