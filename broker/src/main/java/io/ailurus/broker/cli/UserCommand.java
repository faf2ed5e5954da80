package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus user}: the SASL/SCRAM users. Without a subcommand, picocli reports the missing one (exit 2). */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Create, update, delete and list the users that log in with SASL (SCRAM credentials).",
        subcommands = {UserCreateCommand.class, UserUpdateCommand.class, UserDeleteCommand.class,
                UserListCommand.class})
public final class UserCommand {
}
