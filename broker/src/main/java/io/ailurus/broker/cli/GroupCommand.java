package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus group}: the consumer group subcommands. Without one, picocli reports the missing subcommand (exit 2). */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "List, describe and delete consumer groups, and reset their committed offsets.",
        subcommands = {GroupListCommand.class, GroupDescribeCommand.class, GroupDeleteCommand.class,
                GroupResetOffsetsCommand.class})
public final class GroupCommand {
}
