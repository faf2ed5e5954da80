package io.ailurus.broker.cli;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Says in a few words why a TLS handshake failed, and which option fixes it: the JDK's reasons hide under several
 * layers of exceptions ("SSL handshake failed" over "PKIX path building failed" over the certificate path error).
 */
final class TlsProblems {

    private TlsProblems() {
    }

    /**
     * @param trustOption    the option that names the CA to trust
     * @param keyOption      the option that gives a client certificate, or null when there is none
     * @param hostnameOption the option that skips the hostname check, or null when there is none
     */
    static String explain(final Throwable error, final String trustOption, final String keyOption,
            final String hostnameOption) {
        final List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        final String messages = chain.stream().map(t -> String.valueOf(t.getMessage()))
                .collect(Collectors.joining("\n")).toLowerCase(Locale.ROOT);
        final boolean untrusted = chain.stream().anyMatch(t -> t instanceof CertPathBuilderException
                || t instanceof CertPathValidatorException);
        if (untrusted || messages.contains("pkix path") || messages.contains("unable to find valid certification")) {
            return "the server's certificate is not trusted (give its CA with " + trustOption + ")";
        }
        if (messages.contains("no subject alternative") || messages.contains("no name matching")) {
            return "the server's certificate does not name the address connected to (connect by a name it has"
                    + (hostnameOption == null ? ")" : ", or pass " + hostnameOption + ")");
        }
        if (messages.contains("unrecognized ssl message") || messages.contains("plaintext connection")) {
            return "the server does not speak TLS at this address (connect to its TLS port)";
        }
        if (messages.contains("bad_certificate") || messages.contains("certificate_required")) {
            return keyOption == null ? "the server wants a client certificate, which this command cannot send"
                    : "the server wants a client certificate it trusts (" + keyOption + ")";
        }
        final Throwable root = chain.get(chain.size() - 1);
        final String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName()
                : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
