package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus topic}: the topic subcommands. Without one, picocli reports the missing subcommand (exit 2). */
@Command(name = "topic", mixinStandardHelpOptions = true,
        description = "Create, list, describe, delete and configure topics.",
        subcommands = {TopicCreateCommand.class, TopicListCommand.class, TopicDescribeCommand.class,
                TopicDeleteCommand.class, TopicAlterConfigCommand.class})
public final class TopicCommand {
}
