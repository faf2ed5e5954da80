package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus user create NAME --new-password PW}. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a SASL/SCRAM user (an existing user's password is replaced, as with update).")
final class UserCreateCommand extends UserUpsertCommand {

    @Override
    protected String verb() {
        return "created";
    }
}
