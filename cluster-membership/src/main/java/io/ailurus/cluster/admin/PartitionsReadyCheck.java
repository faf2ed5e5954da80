package io.ailurus.cluster.admin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;

/** Readiness ({@code GET /ready}): the node serves every partition it hosts. Created by Pekko Management by name. */
public final class PartitionsReadyCheck implements Supplier<CompletionStage<Boolean>> {

    private final AdminState.Holder state;

    public PartitionsReadyCheck(final ActorSystem system) {
        this.state = AdminState.ID.get(system);
    }

    @Override
    public CompletionStage<Boolean> get() {
        return CompletableFuture.completedFuture(state.view().ready());
    }
}
