package io.ailurus.cluster.security;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's users (SCRAM credentials) and ACLs, kept by the controller. Reads see this node's latest applied
 * state; a change completes once it is committed and applied here, so the caller's next read sees it.
 */
public interface SecurityStore {

    List<StoredScramCredential> scramCredentials();

    Optional<StoredScramCredential> scramCredential(String user, String mechanism);

    CompletableFuture<Void> upsertScramCredential(StoredScramCredential credential);

    CompletableFuture<Void> deleteScramCredential(String user, String mechanism);

    List<AclEntry> acls();

    CompletableFuture<Void> createAcls(List<AclEntry> acls);

    CompletableFuture<Void> deleteAcls(List<AclEntry> acls);
}
