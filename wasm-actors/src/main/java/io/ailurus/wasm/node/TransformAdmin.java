package io.ailurus.wasm.node;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/** Hands the node's {@link TransformService} to {@link TransformRoutes}, which Pekko Management creates by name. */
final class TransformAdmin extends AbstractExtensionId<TransformAdmin.Holder> {

    static final TransformAdmin ID = new TransformAdmin();

    private TransformAdmin() {
    }

    @Override
    public Holder createExtension(final ExtendedActorSystem system) {
        return new Holder();
    }

    static final class Holder implements Extension {
        private volatile TransformService service;

        void install(final TransformService s) {
            this.service = s;
        }

        TransformService service() {
            return service;
        }
    }
}
