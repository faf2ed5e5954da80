package io.ailurus.cluster.controller;

import io.ailurus.cluster.security.AclEntry;
import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.cluster.security.StoredScramCredential;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** {@link SecurityStore} over the controller: changes are controller commands, reads come from the applied image. */
public final class ReplicatedSecurityStore implements SecurityStore {

    private final ReplicatedTopicStore metadata;

    public ReplicatedSecurityStore(final ReplicatedTopicStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public List<StoredScramCredential> scramCredentials() {
        return metadata.image().scramCredentials();
    }

    @Override
    public Optional<StoredScramCredential> scramCredential(final String user, final String mechanism) {
        return metadata.image().scramCredential(user, mechanism);
    }

    @Override
    public CompletableFuture<Void> upsertScramCredential(final StoredScramCredential credential) {
        return change(new ControllerCommand.UpsertScramCredential(credential),
                i -> i.scramCredential(credential.user(), credential.mechanism())
                        .filter(c -> Arrays.equals(c.storedKey(), credential.storedKey())).isPresent());
    }

    @Override
    public CompletableFuture<Void> deleteScramCredential(final String user, final String mechanism) {
        return change(new ControllerCommand.DeleteScramCredential(user, mechanism),
                i -> i.scramCredential(user, mechanism).isEmpty());
    }

    @Override
    public List<AclEntry> acls() {
        return metadata.image().acls();
    }

    @Override
    public CompletableFuture<Void> createAcls(final List<AclEntry> acls) {
        return change(new ControllerCommand.CreateAcls(List.copyOf(acls)), i -> i.acls().containsAll(acls));
    }

    @Override
    public CompletableFuture<Void> deleteAcls(final List<AclEntry> acls) {
        return change(new ControllerCommand.DeleteAcls(List.copyOf(acls)),
                i -> acls.stream().noneMatch(i.acls()::contains));
    }

    private CompletableFuture<Void> change(final ControllerCommand command, final Predicate<ControllerImage> applied) {
        return metadata.controller().apply(command)
                .thenCompose(result -> metadata.awaitImage(applied))
                .thenApply(image -> null);
    }
}
