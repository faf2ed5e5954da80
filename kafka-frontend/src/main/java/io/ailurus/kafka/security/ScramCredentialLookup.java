package io.ailurus.kafka.security;

import io.ailurus.cluster.security.StoredScramCredential;
import java.util.Optional;

/** Where the broker finds a user's SCRAM credential: the controller's replicated user table. */
@FunctionalInterface
public interface ScramCredentialLookup {

    Optional<StoredScramCredential> find(String user, String mechanism);
}
