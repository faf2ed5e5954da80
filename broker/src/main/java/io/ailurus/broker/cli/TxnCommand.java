package io.ailurus.broker.cli;

import picocli.CommandLine.Command;

/** {@code ailurus txn}: the transaction subcommands. Without one, picocli reports the missing subcommand (exit 2). */
@Command(name = "txn", mixinStandardHelpOptions = true,
        description = "List and describe transactions, and show the producers writing to a partition.",
        subcommands = {TxnListCommand.class, TxnDescribeCommand.class, TxnDescribeProducersCommand.class})
public final class TxnCommand {
}
