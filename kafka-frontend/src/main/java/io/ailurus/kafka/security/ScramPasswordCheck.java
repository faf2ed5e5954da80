package io.ailurus.kafka.security;

import io.ailurus.cluster.security.StoredScramCredential;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * Checks a clear-text password (SASL PLAIN, the admin API's HTTP Basic) against a user's SCRAM credential: the
 * password is salted with the credential's salt and iteration count and the derived stored key compared in constant
 * time, so only salted hashes are ever kept.
 */
public final class ScramPasswordCheck implements BiPredicate<String, String> {

    private final ScramCredentialLookup credentials;

    public ScramPasswordCheck(final ScramCredentialLookup credentials) {
        this.credentials = credentials;
    }

    @Override
    public boolean test(final String user, final String password) {
        for (final ScramMechanism mechanism : ScramMechanism.values()) {
            final Optional<StoredScramCredential> stored = credentials.find(user, mechanism.mechanismName());
            if (stored.isPresent()) {
                return matches(mechanism, stored.get(), password);
            }
        }
        return false;
    }

    private static boolean matches(final ScramMechanism mechanism, final StoredScramCredential stored,
            final String password) {
        try {
            final ScramFormatter formatter = new ScramFormatter(mechanism);
            final byte[] salted = formatter.saltedPassword(password, stored.salt(), stored.iterations());
            return MessageDigest.isEqual(formatter.storedKey(formatter.clientKey(salted)), stored.storedKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
