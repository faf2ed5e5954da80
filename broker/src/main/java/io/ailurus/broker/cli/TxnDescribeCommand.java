package io.ailurus.broker.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersOptions;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.DescribeTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.resource.ResourceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ailurus txn describe TRANSACTIONAL-ID...}: the coordinator's view of the transaction, and per partition the
 * offset its first record has there (where read_committed consumers wait while it is open).
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a transaction: state, producer id and epoch, timeout, start time, coordinator, and the "
                + "partitions it writes to with the offset it starts at in each.")
final class TxnDescribeCommand extends TxnClientCommand {

    @Parameters(paramLabel = "TRANSACTIONAL-ID", arity = "1..*", description = "The transactional id(s) to describe.")
    List<String> ids;

    @Override
    protected String transactionalId() {
        return ids.size() == 1 ? ids.get(0) : null;
    }

    @Override
    protected Map<ResourceType, String> needs() {
        return Map.of(ResourceType.TRANSACTIONAL_ID, "DESCRIBE");
    }

    @Override
    protected int execute() throws Exception {
        return client.withAdmin(admin -> {
            int exit = 0;
            boolean first = true;
            for (final String id : ids) {
                final String text;
                try {
                    text = describe(admin, id);
                } catch (Exception e) {
                    if (ids.size() == 1) {
                        throw e;
                    }
                    final String message = TxnClientCommand.describe(e, id);
                    exit = message != null ? fail(message) : fail(e);
                    continue;
                }
                if (!first) {
                    out().println();
                }
                first = false;
                out().print(text);
                out().flush();
            }
            return exit;
        });
    }

    private String describe(final Admin admin, final String id) throws Exception {
        final TransactionDescription txn = client.await(admin.describeTransactions(List.of(id),
                new DescribeTransactionsOptions().timeoutMs(client.timeoutMsInt())).description(id));
        final Map<TopicPartition, Long> startOffsets = TxnFormat.isOpen(txn.state())
                ? startOffsets(admin, txn) : Map.of();
        return TxnFormat.describe(id, txn, startOffsets, System.currentTimeMillis());
    }

    /** Where the transaction's producer began writing in each partition; a partition that cannot say is left out. */
    private Map<TopicPartition, Long> startOffsets(final Admin admin, final TransactionDescription txn) throws Exception {
        final Map<TopicPartition, Long> out = new HashMap<>();
        if (txn.topicPartitions().isEmpty()) {
            return out;
        }
        final DescribeProducersResult result = admin.describeProducers(txn.topicPartitions(),
                new DescribeProducersOptions().timeoutMs(client.timeoutMsInt()));
        for (final TopicPartition tp : txn.topicPartitions()) {
            try {
                for (final ProducerState p : client.await(result.partitionResult(tp)).activeProducers()) {
                    if (p.producerId() == txn.producerId() && p.currentTransactionStartOffset().isPresent()) {
                        out.put(tp, p.currentTransactionStartOffset().getAsLong());
                    }
                }
            } catch (ExecutionException e) {
                // printed as "-"
            }
        }
        return out;
    }
}
