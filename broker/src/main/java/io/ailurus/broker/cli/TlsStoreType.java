package io.ailurus.broker.cli;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The kafka-clients store type ({@code ssl.keystore.type}, {@code ssl.truststore.type}) of a key or trust store file,
 * from its name: PEM for {@code .pem} and {@code .crt}, JKS for {@code .jks}, PKCS12 otherwise (the JDK reads a JKS
 * file as PKCS12 too, and the reverse).
 */
public final class TlsStoreType {

    public static final String PEM = "PEM";
    public static final String JKS = "JKS";
    public static final String PKCS12 = "PKCS12";

    private TlsStoreType() {
    }

    public static String of(final Path file) {
        final String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pem") || name.endsWith(".crt")) {
            return PEM;
        }
        if (name.endsWith(".jks")) {
            return JKS;
        }
        return PKCS12;
    }
}
