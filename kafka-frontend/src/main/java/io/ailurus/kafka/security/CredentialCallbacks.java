package io.ailurus.kafka.security;

import io.ailurus.cluster.security.StoredScramCredential;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * Answers kafka-clients' SASL servers (SCRAM and PLAIN) from the cluster's SCRAM users. PLAIN has no store of its
 * own: its password is checked by salting it as the user's SCRAM credential was salted and comparing the derived
 * key, as Redpanda does, so only salted hashes are ever kept.
 */
final class CredentialCallbacks implements javax.security.auth.callback.CallbackHandler {

    private final ScramCredentialLookup credentials;
    private final String scramMechanism;

    /** {@code scramMechanism}: the mechanism whose credential SCRAM asks for; null for PLAIN. */
    CredentialCallbacks(final ScramCredentialLookup credentials, final String scramMechanism) {
        this.credentials = credentials;
        this.scramMechanism = scramMechanism;
    }

    @Override
    public void handle(final Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (final Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                user = name.getDefaultName();
            } else if (callback instanceof ScramCredentialCallback scram) {
                credentials.find(user, scramMechanism).ifPresent(c ->
                        scram.scramCredential(new ScramCredential(c.salt(), c.storedKey(), c.serverKey(), c.iterations())));
            } else if (callback instanceof PlainAuthenticateCallback plain) {
                plain.authenticated(user != null && passwordMatches(user, new String(plain.password())));
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    private boolean passwordMatches(final String user, final String password) {
        for (final ScramMechanism mechanism : ScramMechanism.values()) {
            final Optional<StoredScramCredential> stored = credentials.find(user, mechanism.mechanismName());
            if (stored.isPresent()) {
                return matches(mechanism, stored.get(), password);
            }
        }
        return false;
    }

    static boolean matches(final ScramMechanism mechanism, final StoredScramCredential stored, final String password) {
        try {
            final ScramFormatter formatter = new ScramFormatter(mechanism);
            final byte[] salted = formatter.saltedPassword(password, stored.salt(), stored.iterations());
            return MessageDigest.isEqual(formatter.storedKey(formatter.clientKey(salted)), stored.storedKey());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
