package io.ailurus.broker.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ailurus txn list}: the transactional ids with their producer id and state, sorted by id. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the transactional ids: producer id and the state of the current or last transaction.")
final class TxnListCommand extends TxnClientCommand {

    @Option(names = "--state", paramLabel = "STATE", converter = TxnStates.Converter.class,
            description = "Only transactions in this state: Empty, Ongoing, PrepareCommit, PrepareAbort, "
                    + "CompleteCommit, CompleteAbort (repeatable; case does not matter).")
    List<TransactionState> states = new ArrayList<>();

    @Override
    protected int execute() throws Exception {
        final ListTransactionsOptions options = new ListTransactionsOptions().timeoutMs(client.timeoutMsInt());
        if (!states.isEmpty()) {
            options.filterStates(states);
        }
        final Collection<TransactionListing> transactions =
                client.withAdmin(admin -> client.await(admin.listTransactions(options).all()));
        out().print(TxnFormat.list(transactions));
        out().flush();
        return 0;
    }
}
