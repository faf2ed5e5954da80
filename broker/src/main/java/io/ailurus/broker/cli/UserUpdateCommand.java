package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus user update NAME --new-password PW}: a new password (the user is created if missing). */
@Command(name = "update", mixinStandardHelpOptions = true,
        description = "Change a user's password (the user is created if it does not exist).")
final class UserUpdateCommand extends UserUpsertCommand {

    @Override
    protected String verb() {
        return "updated";
    }
}
