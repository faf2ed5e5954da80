package io.ailurus.kafka.security;

import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * The SASL mechanisms a node offers (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), all answered from the SCRAM user table,
 * and how long an authenticated session lasts before the client must re-authenticate (KIP-368,
 * connections.max.reauth.ms; 0: never).
 */
public record SaslMechanisms(List<String> enabled, ScramCredentialLookup credentials, long sessionLifetimeMs,
        AuthenticationThrottle throttle) {

    public static final List<String> SUPPORTED = List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN");

    public SaslMechanisms {
        for (final String m : enabled) {
            if (!SUPPORTED.contains(m)) {
                throw new IllegalArgumentException("SASL mechanism " + m + " is not supported; use one of " + SUPPORTED);
            }
        }
        enabled = List.copyOf(enabled);
    }

    /** A fresh server side of one exchange. */
    public SaslServer newServer(final String mechanism) {
        if (PlainSaslServer.PLAIN_MECHANISM.equals(mechanism)) {
            return new PlainSaslServer(new PlainCallbacks(credentials));
        }
        try {
            return new ScramServer(ScramMechanism.forMechanismName(mechanism), credentials);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks the hash of " + mechanism, e);
        }
    }
}
