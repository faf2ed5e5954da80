package io.ailurus.broker.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.resource.ResourceType;

/** A command about transactions: transactional id errors are reported with the id. */
abstract class TxnClientCommand extends ClientCommand {

    /** The transactional id the command is about, for error messages; null if none or several. */
    protected String transactionalId() {
        return null;
    }

    @Override
    protected Map<ResourceType, String> resources() {
        final Map<ResourceType, String> names = new HashMap<>(super.resources());
        if (transactionalId() != null) {
            names.put(ResourceType.TRANSACTIONAL_ID, transactionalId());
        }
        return names;
    }

    @Override
    protected int fail(final Throwable error) {
        final String message = describe(error, transactionalId());
        return message != null ? fail(message) : super.fail(error);
    }

    /**
     * The message for a transactional id error, or null when {@code error} is not one (the common messages apply,
     * an authorization error's among them).
     */
    static String describe(final Throwable error, final String transactionalId) {
        final Throwable t = ErrorMessages.unwrap(error);
        final String name = transactionalId == null ? "" : " '" + transactionalId + "'";
        if (t instanceof TransactionalIdNotFoundException) {
            return "transactional id" + name + " does not exist";
        }
        return null;
    }
}
