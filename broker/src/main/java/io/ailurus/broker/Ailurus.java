package io.ailurus.broker;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ailurus} command line: one subcommand per thing an operator does. */
@Command(name = "ailurus", mixinStandardHelpOptions = true, version = "ailurus 0.1.0-SNAPSHOT",
        description = "A Kafka-API-compatible streaming broker.",
        subcommands = {StartCommand.class, io.ailurus.broker.cli.TopicCommand.class,
                io.ailurus.broker.cli.ProduceCommand.class, io.ailurus.broker.cli.ConsumeCommand.class,
                io.ailurus.broker.cli.GroupCommand.class, io.ailurus.broker.cli.TxnCommand.class,
                io.ailurus.broker.cli.TransformCommand.class, io.ailurus.broker.cli.UserCommand.class,
                io.ailurus.broker.cli.AclCommand.class})
public final class Ailurus implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(final String[] args) {
        System.exit(new CommandLine(new Ailurus()).execute(args));
    }
}
