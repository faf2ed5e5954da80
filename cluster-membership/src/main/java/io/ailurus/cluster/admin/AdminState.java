package io.ailurus.cluster.admin;

import io.ailurus.cluster.membership.NodeDirectory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Hands the node's {@link NodeDirectory} and {@link AdminView} to the HTTP routes, which Pekko Management creates by
 * class name and can only reach through the actor system. Until the node installs its view, the routes see a node
 * with no partitions that is not ready.
 */
public final class AdminState extends AbstractExtensionId<AdminState.Holder> {

    public static final AdminState ID = new AdminState();

    private AdminState() {
    }

    @Override
    public Holder createExtension(final ExtendedActorSystem system) {
        return new Holder();
    }

    public static final class Holder implements Extension {

        private volatile NodeDirectory directory = new NodeDirectory();
        private volatile AdminView view = NOT_STARTED;
        private volatile AdminAccess access = AdminAccess.OPEN;

        public void install(final NodeDirectory directory, final AdminView view) {
            this.directory = directory;
            this.view = view;
        }

        /** Installed before the admin endpoint starts. */
        public void installAccess(final AdminAccess access) {
            this.access = access;
        }

        public AdminAccess access() {
            return access;
        }

        public NodeDirectory directory() {
            return directory;
        }

        public AdminView view() {
            return view;
        }
    }

    private static final AdminView NOT_STARTED = new AdminView() {
        @Override
        public List<PartitionStatus> partitions() {
            return List.of();
        }

        @Override
        public Optional<PartitionStatus> partition(final String topic, final int partition) {
            return Optional.empty();
        }

        @Override
        public boolean ready() {
            return false;
        }

        @Override
        public CompletionStage<AdminResult> decommission(final int nodeId) {
            return CompletableFuture.completedFuture(AdminResult.rejected(503, "the node is starting"));
        }

        @Override
        public CloudStorageView cloudStorage() {
            return CloudStorageView.refusing(503, "the node is starting");
        }
    };
}
