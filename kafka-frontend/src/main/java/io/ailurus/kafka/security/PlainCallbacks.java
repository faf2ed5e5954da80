package io.ailurus.kafka.security;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;

/**
 * Answers kafka-clients' PLAIN server from the cluster's SCRAM users: PLAIN has no store of its own, its password is
 * checked by salting it as the user's SCRAM credential was salted and comparing the derived key, as Redpanda does,
 * so only salted hashes are ever kept.
 */
final class PlainCallbacks implements javax.security.auth.callback.CallbackHandler {

    private final ScramPasswordCheck passwords;

    PlainCallbacks(final ScramCredentialLookup credentials) {
        this.passwords = new ScramPasswordCheck(credentials);
    }

    @Override
    public void handle(final Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (final Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                user = name.getDefaultName();
            } else if (callback instanceof PlainAuthenticateCallback plain) {
                plain.authenticated(user != null && passwords.test(user, new String(plain.password())));
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }
}
