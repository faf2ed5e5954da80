package io.ailurus.broker;

import io.ailurus.cluster.security.SecurityStore;
import io.ailurus.cluster.security.StoredScramCredential;
import java.security.GeneralSecurityException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first user of a secured cluster ({@code ailurus.security.bootstrap-user}, Redpanda's RP_BOOTSTRAP_USER): created
 * with SCRAM-SHA-256 and SCRAM-SHA-512 credentials once the controller is reachable, unless the user already exists,
 * so that changing its password later through the API is not undone by a restart.
 */
final class BootstrapUser {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapUser.class);
    private static final int ITERATIONS = 4096;
    private static final long RETRY_MS = 2_000;

    private BootstrapUser() {
    }

    /** {@code nameAndPassword}: "name:password". Retries in the background until it is done. */
    static void createIfMissing(final String nameAndPassword, final SecurityStore store,
            final ScheduledExecutorService timer) {
        final int colon = nameAndPassword.indexOf(':');
        final String user = nameAndPassword.substring(0, colon);
        final String password = nameAndPassword.substring(colon + 1);
        timer.execute(() -> attempt(user, password, store, timer));
    }

    private static void attempt(final String user, final String password, final SecurityStore store,
            final ScheduledExecutorService timer) {
        final boolean exists = store.scramCredentials().stream().anyMatch(c -> c.user().equals(user));
        if (exists) {
            return;
        }
        final var sha256 = store.upsertScramCredential(credential(user, password, ScramMechanism.SCRAM_SHA_256));
        sha256.thenCompose(done -> store.upsertScramCredential(
                credential(user, password, ScramMechanism.SCRAM_SHA_512))).whenComplete((done, failure) -> {
            if (failure == null) {
                LOG.info("Created the bootstrap user '{}' (SCRAM-SHA-256, SCRAM-SHA-512)", user);
            } else {
                LOG.info("Creating the bootstrap user '{}' failed ({}); retrying", user, failure.getMessage());
                timer.schedule(() -> attempt(user, password, store, timer), RETRY_MS, TimeUnit.MILLISECONDS);
            }
        });
    }

    static StoredScramCredential credential(final String user, final String password,
            final ScramMechanism mechanism) {
        try {
            final ScramCredential c = new ScramFormatter(mechanism).generateCredential(password, ITERATIONS);
            return new StoredScramCredential(user, mechanism.mechanismName(), c.salt(), c.storedKey(), c.serverKey(),
                    c.iterations());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks " + mechanism.macAlgorithm(), e);
        }
    }
}
