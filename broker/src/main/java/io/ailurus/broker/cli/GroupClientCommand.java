package io.ailurus.broker.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.resource.ResourceType;

/** A command about consumer groups: group errors are reported with the group's name. */
abstract class GroupClientCommand extends ClientCommand {

    /** The group the command is about, for error messages; null if none or several. */
    protected String group() {
        return null;
    }

    @Override
    protected Map<ResourceType, String> resources() {
        final Map<ResourceType, String> names = new HashMap<>(super.resources());
        if (group() != null) {
            names.put(ResourceType.GROUP, group());
        }
        return names;
    }

    @Override
    protected int fail(final Throwable error) {
        final String message = describe(error, group());
        return message != null ? fail(message) : super.fail(error);
    }

    /**
     * The message for a group error, or null when {@code error} is not one (the common messages apply then, an
     * authorization error's among them).
     */
    static String describe(final Throwable error, final String group) {
        final Throwable t = ErrorMessages.unwrap(error);
        final String name = group == null ? "" : " '" + group + "'";
        if (t instanceof GroupIdNotFoundException) {
            return "group" + name + " does not exist";
        }
        if (t instanceof GroupNotEmptyException || t instanceof UnknownMemberIdException) {
            // Deleting a group, or committing offsets for it as an admin, is refused while it has members.
            return "group" + name + " is not empty: it has active members (stop its consumers first)";
        }
        return null;
    }
}
