package io.ailurus.broker.cli;

import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

/** A command about transactions: transactional id errors are reported with the id. */
abstract class TxnClientCommand extends ClientCommand {

    /** The transactional id the command is about, for error messages; null if none or several. */
    protected String transactionalId() {
        return null;
    }

    @Override
    protected int fail(final Throwable error) {
        final String message = describe(error, transactionalId());
        return message != null ? fail(message) : super.fail(error);
    }

    /** The message for a transactional id error, or null when {@code error} is not one (the common messages apply). */
    static String describe(final Throwable error, final String transactionalId) {
        final Throwable t = ErrorMessages.unwrap(error);
        final String name = transactionalId == null ? "" : " '" + transactionalId + "'";
        if (t instanceof TransactionalIdNotFoundException) {
            return "transactional id" + name + " does not exist";
        }
        if (t instanceof TransactionalIdAuthorizationException) {
            return "not authorized to access transactional id" + name;
        }
        return null;
    }
}
