package io.ailurus.cluster.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.errors.ResourceNotFoundException;

/** The cluster's SCRAM users, one credential per user and mechanism; part of the controller state. */
public final class ScramCredentials {

    /** user → mechanism → credential, sorted so that snapshots and listings are stable. */
    private final Map<String, Map<String, StoredScramCredential>> users = new TreeMap<>();

    public void upsert(final StoredScramCredential credential) {
        users.computeIfAbsent(credential.user(), u -> new TreeMap<>()).put(credential.mechanism(), credential);
    }

    /** Removes one mechanism's credential of {@code user}; the user goes with its last credential. */
    public void delete(final String user, final String mechanism) {
        final Map<String, StoredScramCredential> byMechanism = users.get(user);
        if (byMechanism == null || byMechanism.remove(mechanism) == null) {
            throw new ResourceNotFoundException("user '" + user + "' has no " + mechanism + " credential");
        }
        if (byMechanism.isEmpty()) {
            users.remove(user);
        }
    }

    public Optional<StoredScramCredential> find(final String user, final String mechanism) {
        return Optional.ofNullable(users.getOrDefault(user, Map.of()).get(mechanism));
    }

    public List<StoredScramCredential> all() {
        return users.values().stream().flatMap(m -> m.values().stream()).toList();
    }

    public void restore(final Collection<StoredScramCredential> credentials) {
        users.clear();
        credentials.forEach(this::upsert);
    }
}
